"""The API for ERPs and carriers: tokens, idempotent order creation, rate limits."""
