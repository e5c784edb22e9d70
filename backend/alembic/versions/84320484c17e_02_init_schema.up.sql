SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

-- The declared schema, rendered by `tenantdb render` from schema/*.yaml.
-- Do not edit: change the spec and render again.

-- tenants (root table)
CREATE TABLE tenants (
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    slug       text        NOT NULL,
    name       text        NOT NULL,
    status     text        NOT NULL DEFAULT 'active',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_tenants PRIMARY KEY (id),
    CONSTRAINT uq_tenants_slug UNIQUE (slug),
    CONSTRAINT ck_tenants_slug
        CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
    CONSTRAINT ck_tenants_name
        CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    CONSTRAINT ck_tenants_status
        CHECK (status IN ('active', 'suspended', 'closed'))
);

COMMENT ON TABLE tenants IS 'A customer organisation that embeds the chat widget. The root table: every other row belongs to exactly one tenant.';
COMMENT ON COLUMN tenants.slug IS 'URL-safe handle, unique across tenants.';
COMMENT ON COLUMN tenants.name IS 'Display name shown to visitors and agents.';

-- conversations (tenant table)
CREATE TABLE conversations (
    id               uuid        NOT NULL DEFAULT gen_random_uuid(),
    tenant_id        uuid        NOT NULL,
    visitor_ref      text        NOT NULL,
    status           text        NOT NULL DEFAULT 'open',
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_activity_at timestamptz NOT NULL DEFAULT now(),
    closed_at        timestamptz NULL,
    CONSTRAINT pk_conversations PRIMARY KEY (id),
    CONSTRAINT uq_conversations_tenant_id_id UNIQUE (tenant_id, id),
    CONSTRAINT fk_conversations_tenant_id_tenants
        FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT ck_conversations_visitor_ref
        CHECK (length(visitor_ref) BETWEEN 1 AND 200),
    CONSTRAINT ck_conversations_status
        CHECK (status IN ('open', 'pending', 'closed')),
    CONSTRAINT ck_conversations_status_closed_at
        CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);

CREATE INDEX ix_conversations_tenant_id_last_activity_at
    ON conversations (tenant_id, last_activity_at DESC);

CREATE INDEX ix_conversations_tenant_id_visitor_ref
    ON conversations (tenant_id, visitor_ref);

COMMENT ON TABLE conversations IS 'A chat session between one visitor and a tenant''s team.';
COMMENT ON COLUMN conversations.visitor_ref IS 'The widget''s opaque identifier of the visitor (no personal data).';

-- incidents (tenant table)
CREATE TABLE incidents (
    id              uuid        NOT NULL DEFAULT gen_random_uuid(),
    tenant_id       uuid        NOT NULL,
    conversation_id uuid        NULL,
    kind            text        NOT NULL,
    severity        text        NOT NULL DEFAULT 'medium',
    status          text        NOT NULL DEFAULT 'open',
    title           text        NOT NULL,
    opened_at       timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz NULL,
    CONSTRAINT pk_incidents PRIMARY KEY (id),
    CONSTRAINT uq_incidents_tenant_id_id UNIQUE (tenant_id, id),
    CONSTRAINT fk_incidents_tenant_id_tenants
        FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT fk_incidents_tenant_id_conversation_id_conversations
        FOREIGN KEY (tenant_id, conversation_id)
        REFERENCES conversations (tenant_id, id) ON DELETE RESTRICT,
    CONSTRAINT ck_incidents_kind
        CHECK (kind IN ('abuse', 'outage', 'escalation', 'other')),
    CONSTRAINT ck_incidents_severity
        CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    CONSTRAINT ck_incidents_status
        CHECK (status IN ('open', 'acknowledged', 'resolved')),
    CONSTRAINT ck_incidents_title
        CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    CONSTRAINT ck_incidents_status_resolved_at
        CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
    CONSTRAINT ck_incidents_opened_at_resolved_at
        CHECK (resolved_at IS NULL OR resolved_at >= opened_at)
);

CREATE INDEX ix_incidents_tenant_id_opened_at
    ON incidents (tenant_id, opened_at DESC)
    WHERE status <> 'resolved';

CREATE INDEX ix_incidents_tenant_id_conversation_id
    ON incidents (tenant_id, conversation_id);

COMMENT ON TABLE incidents IS 'Something that needs a human: abuse, an outage of the widget, an escalation; optionally raised from a conversation.';
COMMENT ON COLUMN incidents.conversation_id IS 'The conversation the incident was raised from, if any. RESTRICT: a conversation with incidents is evidence and cannot be deleted.';

-- events (tenant table)
CREATE TABLE events (
    id              uuid        NOT NULL DEFAULT gen_random_uuid(),
    tenant_id       uuid        NOT NULL,
    incident_id     uuid        NOT NULL,
    conversation_id uuid        NULL,
    event_type      text        NOT NULL,
    payload         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_events PRIMARY KEY (id),
    CONSTRAINT fk_events_tenant_id_tenants
        FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT fk_events_tenant_id_incident_id_incidents
        FOREIGN KEY (tenant_id, incident_id)
        REFERENCES incidents (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT fk_events_tenant_id_conversation_id_conversations
        FOREIGN KEY (tenant_id, conversation_id)
        REFERENCES conversations (tenant_id, id) ON DELETE RESTRICT,
    CONSTRAINT ck_events_event_type
        CHECK (event_type ~ '^[a-z]+(\.[a-z_]+)+$'),
    CONSTRAINT ck_events_payload
        CHECK (jsonb_typeof(payload) = 'object')
);

CREATE INDEX ix_events_tenant_id_incident_id_created_at
    ON events (tenant_id, incident_id, created_at);

CREATE INDEX ix_events_tenant_id_conversation_id
    ON events (tenant_id, conversation_id);

COMMENT ON TABLE events IS 'The timeline of an incident: state changes, notes and notifications, each with a jsonb payload.';
COMMENT ON COLUMN events.incident_id IS 'An incident''s timeline is deleted with the incident.';
COMMENT ON COLUMN events.conversation_id IS 'The conversation the event concerns, if any; RESTRICT keeps evidence.';
COMMENT ON COLUMN events.event_type IS 'Dotted event type, e.g. incident.opened or notification.sent.';

-- messages (tenant table)
CREATE TABLE messages (
    id              uuid        NOT NULL DEFAULT gen_random_uuid(),
    tenant_id       uuid        NOT NULL,
    conversation_id uuid        NOT NULL,
    sender_role     text        NOT NULL,
    body            text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_messages PRIMARY KEY (id),
    CONSTRAINT fk_messages_tenant_id_tenants
        FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT fk_messages_tenant_id_conversation_id_conversations
        FOREIGN KEY (tenant_id, conversation_id)
        REFERENCES conversations (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT ck_messages_sender_role
        CHECK (sender_role IN ('visitor', 'agent', 'system')),
    CONSTRAINT ck_messages_body
        CHECK (length(body) BETWEEN 1 AND 10000)
);

CREATE INDEX ix_messages_tenant_id_conversation_id_created_at
    ON messages (tenant_id, conversation_id, created_at);

COMMENT ON TABLE messages IS 'One message of a conversation, from the visitor, an agent or the system.';
COMMENT ON COLUMN messages.conversation_id IS 'A message lives and dies with its conversation.';

-- tenant_domains (tenant table)
CREATE TABLE tenant_domains (
    id          uuid        NOT NULL DEFAULT gen_random_uuid(),
    tenant_id   uuid        NOT NULL,
    host        text        NOT NULL,
    is_verified boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_tenant_domains PRIMARY KEY (id),
    CONSTRAINT uq_tenant_domains_host UNIQUE (host),
    CONSTRAINT fk_tenant_domains_tenant_id_tenants
        FOREIGN KEY (tenant_id)
        REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT ck_tenant_domains_host
        CHECK (host = lower(host) AND host ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$')
);

-- covers fk_tenant_domains_tenant_id_tenants
CREATE INDEX ix_tenant_domains_tenant_id
    ON tenant_domains (tenant_id);

COMMENT ON TABLE tenant_domains IS 'A host name on which a tenant''s widget may run; the origin of a widget request identifies its tenant through this table.';
COMMENT ON COLUMN tenant_domains.host IS 'Lower-case host name without scheme or port; belongs to at most one tenant.';
COMMENT ON COLUMN tenant_domains.is_verified IS 'True once the tenant proved control of the host.';
