"""A reference merchant service on the unionpay_acp library: token payments, refunds,
notifications and the daily reconciliation, on SQLite or PostgreSQL, safe across crashes.

The library decides every protocol question (what an answer means, when to query, what
to answer a notification); this service adds what only a merchant can: a database, an
outbox written before each request leaves, and a worker that resumes after a crash.
See tests/merchant/README.md for the HTTP contract it shares with the Node service.
"""
