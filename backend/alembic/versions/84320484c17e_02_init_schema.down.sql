-- Drops the declared schema, rendered by `tenantdb render --down`:
-- every table after those that reference it.
DROP TABLE tenant_domains;
DROP TABLE messages;
DROP TABLE events;
DROP TABLE incidents;
DROP TABLE conversations;
DROP TABLE tenants;
