-- Opt-in PII rules per org (issue #8): IP addresses and phone numbers are scrubbed only when the org says so.
ALTER TABLE orgs ADD COLUMN pii_ip_addresses  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN pii_phone_numbers INTEGER NOT NULL DEFAULT 0;
