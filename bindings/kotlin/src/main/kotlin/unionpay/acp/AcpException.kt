package unionpay.acp

import unionpay.acp.ffi.AcpException as FfiAcpException
import unionpay.acp.ffi.InternalException as FfiInternalException

/**
 * A failure reported by the core, with one subclass per kind (catch
 * `AcpException.Signature` to handle messages that do not verify).
 *
 * [code] is the stable number of `errors.json` (1xxx your input, 2xxx keys and
 * certificates, 3xxx verification, 4xxx received formats, 5xxx the gateway, 9xxx
 * internal), [name] its identifier, [detail] what to check next; verification failures
 * carry [step] (`parse`, `chain`, `name`, `validity`, `signature`) and [canonicalSha256].
 * Messages never contain card data or keys.
 */
sealed class AcpException(
    val code: Int,
    val name: String,
    val detail: String,
    val step: String?,
    val canonicalSha256: String?,
) : RuntimeException(format(code, name, detail, step, canonicalSha256)) {
    /** The kind, as `errors.json` names it. */
    abstract val kind: String

    /** You passed something invalid (1xxx). */
    class InvalidInput(code: Int, name: String, detail: String, step: String? = null, canonicalSha256: String? = null) :
        AcpException(code, name, detail, step, canonicalSha256) { override val kind get() = "InvalidInput" }

    /** A private key, PKCS#12 file or password problem. */
    class Key(code: Int, name: String, detail: String, step: String? = null, canonicalSha256: String? = null) :
        AcpException(code, name, detail, step, canonicalSha256) { override val kind get() = "Key" }

    /** A certificate or PEM document could not be parsed or used. */
    class Certificate(code: Int, name: String, detail: String, step: String? = null, canonicalSha256: String? = null) :
        AcpException(code, name, detail, step, canonicalSha256) { override val kind get() = "Certificate" }

    /** What was received does not verify (3xxx); see [step]. */
    class Signature(code: Int, name: String, detail: String, step: String? = null, canonicalSha256: String? = null) :
        AcpException(code, name, detail, step, canonicalSha256) { override val kind get() = "Signature" }

    /** A received body, value or file is malformed (4xxx). */
    class Format(code: Int, name: String, detail: String, step: String? = null, canonicalSha256: String? = null) :
        AcpException(code, name, detail, step, canonicalSha256) { override val kind get() = "Format" }

    /** UnionPay answered, and the answer does not fit the call (5xxx). */
    class GatewayRejected(code: Int, name: String, detail: String, step: String? = null, canonicalSha256: String? = null) :
        AcpException(code, name, detail, step, canonicalSha256) { override val kind get() = "GatewayRejected" }

    /** A bug or an environment failure (9xxx). */
    class Internal(code: Int, name: String, detail: String, step: String? = null, canonicalSha256: String? = null) :
        AcpException(code, name, detail, step, canonicalSha256) { override val kind get() = "Internal" }

    internal companion object {
        fun format(code: Int, name: String, detail: String, step: String?, sha: String?): String {
            val tail = when {
                step == null -> ""
                sha == null -> " (step: $step)"
                else -> " (step: $step; canonical string SHA-256 $sha)"
            }
            return "[$code $name] $detail$tail"
        }

        fun from(e: FfiAcpException): AcpException = when (e) {
            is FfiAcpException.InvalidInput -> InvalidInput(e.code.toInt(), e.name, e.detail, e.step, e.canonicalSha256)
            is FfiAcpException.Key -> Key(e.code.toInt(), e.name, e.detail, e.step, e.canonicalSha256)
            is FfiAcpException.Certificate -> Certificate(e.code.toInt(), e.name, e.detail, e.step, e.canonicalSha256)
            is FfiAcpException.Signature -> Signature(e.code.toInt(), e.name, e.detail, e.step, e.canonicalSha256)
            is FfiAcpException.Format -> Format(e.code.toInt(), e.name, e.detail, e.step, e.canonicalSha256)
            is FfiAcpException.GatewayRejected -> GatewayRejected(e.code.toInt(), e.name, e.detail, e.step, e.canonicalSha256)
            is FfiAcpException.Internal -> Internal(e.code.toInt(), e.name, e.detail, e.step, e.canonicalSha256)
        }
    }
}

/** The HTTP exchange failed: for a money-moving [request] the result is unknown; query it. */
class TransportException(message: String, val request: OutgoingRequest, cause: Throwable? = null) :
    java.io.IOException(message, cause)

/** Runs a call into the generated bindings, turning their errors into [AcpException]. */
internal inline fun <T> acp(block: () -> T): T = try {
    block()
} catch (e: FfiAcpException) {
    throw AcpException.from(e)
} catch (e: FfiInternalException) {
    throw AcpException.Internal(9999, "Bug", "the binding failed unexpectedly: ${e.message}")
}
