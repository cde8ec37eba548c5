"""Domain operations. Every function takes a session and, for tenant data, `tenant_id`.

No Reflex here: pages, the HTTP API, jobs and the CLI all call these functions.
"""
