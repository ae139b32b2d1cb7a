package unionpay.acp

import java.util.Base64

/**
 * The client settings are the core's (settings.json at the repository root lists each
 * name, type and default); this only writes Kotlin values as that JSON. The core reads
 * it: an unknown name or a bad value is its error (1005 and friends), not this file's.
 *
 * ```
 * val settings = settingsJson(
 *     "merId" to "777290058110097",
 *     "environment" to mapOf("baseUrl" to sandboxUrl),        // or "test" / "production"
 *     "trust" to mapOf("roots" to listOf(rootPem), "middles" to listOf(middlePem)),
 *     "encryptionCert" to File("enc.pem").readBytes(),
 * )
 * ```
 * Values: strings, numbers, booleans, null, maps, lists and arrays; a ByteArray is a
 * certificate (PEM text as it is, DER as base64, the two forms the schema takes).
 */
fun settingsJson(vararg settings: Pair<String, Any?>): String = settingsJson(settings.toMap())

/** [settingsJson] of a map. */
fun settingsJson(settings: Map<String, Any?>): String = StringBuilder().also { writeJson(settings, it) }.toString()

private fun writeJson(value: Any?, out: StringBuilder) {
    when (value) {
        null -> out.append("null")
        is String -> FieldsJson.string(value, out)
        is Boolean, is Int, is Long, is Short, is Byte, is UInt, is ULong -> out.append(value.toString())
        is ByteArray -> {
            val text = String(value, Charsets.UTF_8)
            FieldsJson.string(if ("-----BEGIN" in text) text else Base64.getEncoder().encodeToString(value), out)
        }
        is Map<*, *> -> {
            out.append('{')
            value.entries.forEachIndexed { i, (k, v) ->
                if (i > 0) out.append(',')
                FieldsJson.string(k as? String ?: throw IllegalArgumentException("settings: a key must be a string, not $k"), out)
                out.append(':')
                writeJson(v, out)
            }
            out.append('}')
        }
        is Iterable<*> -> {
            out.append('[')
            value.forEachIndexed { i, v -> if (i > 0) out.append(','); writeJson(v, out) }
            out.append(']')
        }
        is Array<*> -> writeJson(value.asList(), out)
        else -> throw IllegalArgumentException("settings: ${value::class.java.simpleName} is not a JSON value")
    }
}
