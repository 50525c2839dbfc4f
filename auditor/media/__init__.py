"""政务新媒体: the accounts list, platform adapters and the checks over an account's profile."""
