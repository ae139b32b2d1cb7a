// The Android library of unionpay-acp: the card-encryption-only build for apps (see
// README.md). One module, at the root of this build; `gradle assembleRelease` gives
// build/outputs/aar/unionpay-acp-android-release.aar.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "unionpay-acp-android"
