package unionpay.acp

import uniffi.acp_core.AcpException

// The one error of every call is the core's AcpException (package uniffi.acp_core), one
// subclass per kind of errors.json: catch AcpException.Signature for messages that do not
// verify. Its fields are the same in each kind, but each generated subclass declares its
// own: these extensions read them from any AcpException.
private fun AcpException.parts(): Array<Any?> = when (this) {
    is AcpException.InvalidInput -> arrayOf(code, name, detail, step, canonicalSha256)
    is AcpException.Key -> arrayOf(code, name, detail, step, canonicalSha256)
    is AcpException.Certificate -> arrayOf(code, name, detail, step, canonicalSha256)
    is AcpException.Signature -> arrayOf(code, name, detail, step, canonicalSha256)
    is AcpException.Format -> arrayOf(code, name, detail, step, canonicalSha256)
    is AcpException.GatewayRejected -> arrayOf(code, name, detail, step, canonicalSha256)
    is AcpException.Internal -> arrayOf(code, name, detail, step, canonicalSha256)
}

/** The stable number of errors.json (1xxx your input, 2xxx keys, 3xxx verification, 4xxx formats, 5xxx the gateway, 9xxx internal). */
val AcpException.code: UInt get() = parts()[0] as UInt
/** Its identifier in errors.json, e.g. `SignatureMismatch`. */
val AcpException.name: String get() = parts()[1] as String
/** What to check next (never card data or keys). */
val AcpException.detail: String get() = parts()[2] as String
/** Verification failures: `parse`, `chain`, `name`, `validity` or `signature`. */
val AcpException.step: String? get() = parts()[3] as String?
/** Verification failures: hex SHA-256 of the canonical string. */
val AcpException.canonicalSha256: String? get() = parts()[4] as String?
/** The kind, as errors.json names it (`InvalidInput`, `Key`, `Certificate`, `Signature`, `Format`, `GatewayRejected`, `Internal`). */
val AcpException.kind: String get() = this::class.java.simpleName
