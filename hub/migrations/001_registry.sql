-- Registry: teams, homes, residents, devices; users and their API tokens; the audit log.
-- Personal data is kept to what care needs: a display name or pseudonym, never a national identity number.

CREATE TABLE teams (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE homes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id     bigint NOT NULL REFERENCES teams (id),
    label       text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    timezone    text NOT NULL DEFAULT 'Europe/Oslo',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX homes_team ON homes (team_id);

CREATE TABLE residents (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    home_id       bigint NOT NULL REFERENCES homes (id),
    display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    created_at    timestamptz NOT NULL DEFAULT now(),
    archived_at   timestamptz
);
CREATE INDEX residents_home ON residents (home_id);

CREATE TABLE devices (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    adapter      text NOT NULL,
    external_id  text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
    kind         text NOT NULL,
    home_id      bigint REFERENCES homes (id),
    room         text,
    status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'pending', 'retired')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
-- One live device per gateway identity; a retired device's identity may be reused by its replacement.
CREATE UNIQUE INDEX devices_identity ON devices (adapter, external_id) WHERE status <> 'retired';
CREATE INDEX devices_home ON devices (home_id);

-- Ingest caches the registry in memory; this tells it when to look again.
CREATE FUNCTION notify_devices_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('carehub_devices', '');
    RETURN NULL;
END $$;
CREATE TRIGGER devices_changed AFTER INSERT OR UPDATE OR DELETE ON devices
    FOR EACH STATEMENT EXECUTE FUNCTION notify_devices_changed();

CREATE TABLE users (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    role         text NOT NULL CHECK (role IN ('operator', 'homecare', 'technician', 'admin')),
    team_id      bigint REFERENCES teams (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    disabled_at  timestamptz
);

CREATE TABLE api_tokens (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id),
    token_hash    bytea NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz
);

CREATE TABLE audit_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    user_id   bigint,
    action    text NOT NULL,
    resource  text NOT NULL,
    detail    text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
