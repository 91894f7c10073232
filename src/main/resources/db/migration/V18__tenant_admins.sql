-- A tenant admin manages its own tenant's keys, dead letters and reads; admin (an operator) keeps its meaning:
-- every tenant, the registry's shared subjects and configuration.
ALTER TABLE api_keys ADD COLUMN tenant_admin boolean NOT NULL DEFAULT false;
