package unionpay.acp

/**
 * The wire format of a field map between Kotlin and the Rust core: one JSON object of
 * strings (one buffer per map instead of two per field). The generated converter of the
 * core's `Fields` calls it (see uniffi.toml at the repository root); not a general JSON codec.
 */
object FieldsJson {
    /** `{"k":"v",…}` with JSON string escapes. */
    @JvmStatic
    fun encode(map: Map<String, String>): String {
        val out = StringBuilder(map.entries.sumOf { it.key.length + it.value.length + 6 } + 2)
        out.append('{')
        var first = true
        for ((k, v) in map) {
            if (!first) out.append(',')
            first = false
            string(k, out)
            out.append(':')
            string(v, out)
        }
        return out.append('}').toString()
    }

    internal fun string(s: String, out: StringBuilder) {
        out.append('"')
        for (c in s) {
            when {
                c == '"' -> out.append("\\\"")
                c == '\\' -> out.append("\\\\")
                c < ' ' -> out.append("\\u").append(String.format("%04x", c.code))
                else -> out.append(c)
            }
        }
        out.append('"')
    }

    /** Parses what [encode] (or the Rust side) wrote; the map prints as the core logs it. */
    @JvmStatic
    fun decode(text: String): Map<String, String> = LoggedFields(parse(text))

    private fun parse(text: String): Map<String, String> {
        val p = Parser(text)
        val map = LinkedHashMap<String, String>()
        p.ws(); p.expect('{'); p.ws()
        if (p.peek() == '}') {
            p.i++
        } else {
            while (true) {
                p.ws()
                val k = p.string()
                p.ws(); p.expect(':'); p.ws()
                map[k] = p.string()
                p.ws()
                when (p.next()) {
                    ',' -> continue
                    '}' -> break
                    else -> throw IllegalArgumentException("field map: expected ',' or '}'")
                }
            }
        }
        return map
    }

    private class Parser(val s: String) {
        var i = 0
        fun peek(): Char? = if (i < s.length) s[i] else null
        fun next(): Char? = peek()?.also { i++ }
        fun ws() { while (peek()?.isWhitespace() == true) i++ }
        fun expect(c: Char) {
            if (next() != c) throw IllegalArgumentException("field map: expected '$c'")
        }
        fun string(): String {
            expect('"')
            val out = StringBuilder()
            while (true) {
                val start = i
                while (i < s.length && s[i] != '"' && s[i] != '\\') i++
                out.append(s, start, i)
                when (next()) {
                    '"' -> return out.toString()
                    '\\' -> when (val e = next()) {
                        '"' -> out.append('"')
                        '\\' -> out.append('\\')
                        '/' -> out.append('/')
                        'b' -> out.append('\b')
                        'f' -> out.append('\u000C')
                        'n' -> out.append('\n')
                        'r' -> out.append('\r')
                        't' -> out.append('\t')
                        'u' -> {
                            out.append(s.substring(i, i + 4).toInt(16).toChar())
                            i += 4
                        }
                        else -> throw IllegalArgumentException("field map: bad escape '\\$e'")
                    }
                    else -> throw IllegalArgumentException("field map: unterminated string")
                }
            }
        }
    }
}

/**
 * A field map the core sent: a plain read-only map that prints as the core shows fields
 * in logs ([uniffi.acp_core.fieldsForLog]: only what identifies the message), because the
 * generated records (`Response`, `OutgoingRequest`) print their maps and those hold tokens
 * that pay like card numbers.
 */
private class LoggedFields(private val map: Map<String, String>) : Map<String, String> by map {
    override fun toString(): String = uniffi.acp_core.fieldsForLog(map)
    override fun equals(other: Any?): Boolean = map == other
    override fun hashCode(): Int = map.hashCode()
}
