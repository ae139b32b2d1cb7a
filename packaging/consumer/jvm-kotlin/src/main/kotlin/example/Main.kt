package example

import java.io.File
import kotlinx.coroutines.runBlocking
import uniffi.acp_core.NextStep
import uniffi.acp_core.Outcome

/** Runs the README's quick start (QuickStart.kt, copied in by jvm.sh): SANDBOX_URL FIXTURES_DIR. */
fun main(args: Array<String>) = runBlocking {
    val last = quickStart(args[0], File(args[1]))
    val refunded = (last as? NextStep.Final)?.v1
    check(refunded is Outcome.Success) { "the quick start ended with $last" }
    println("kotlin: the quick start paid and refunded (refund ${refunded.name()} ${refunded.decisiveCode()})")
}
