"""The API's own rules: tokens, idempotent replays, webhooks."""
