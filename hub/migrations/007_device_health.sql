-- Device health. `device_seen` is written by ingest (at most about once a minute per device); `device_health` is
-- the periodic check's verdict per device; `technical_alerts` are the health changes routed to technicians.

CREATE TABLE device_seen (
    device_id  bigint PRIMARY KEY,  -- no foreign key: ingest writes it beside readings
    last_seen  timestamptz NOT NULL
);

CREATE TABLE device_health (
    device_id          bigint PRIMARY KEY REFERENCES devices (id),
    checked_at         timestamptz NOT NULL,
    last_seen          timestamptz,
    battery            double precision,
    battery_low        boolean,
    link_quality       double precision,
    available          boolean,  -- the last availability the device or its gateway reported
    offline            boolean NOT NULL DEFAULT false,
    offline_since      timestamptz,
    low_battery        boolean NOT NULL DEFAULT false,
    low_battery_since  timestamptz
);
CREATE INDEX device_health_problems ON device_health (device_id) WHERE offline OR low_battery;

-- Shaped like the alerts the alerts package will own (kind, subject, severity, audience, lifecycle), so it can
-- take these over: at most one alert per device and kind is not yet cleared.
CREATE TABLE technical_alerts (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('device_offline', 'low_battery')),
    device_id        bigint NOT NULL REFERENCES devices (id),
    home_id          bigint REFERENCES homes (id),
    severity         text NOT NULL DEFAULT 'warning' CHECK (severity IN ('info', 'warning', 'critical')),
    audience         text NOT NULL DEFAULT 'technician',
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'cleared')),
    detail           text NOT NULL DEFAULT '',
    raised_at        timestamptz NOT NULL,
    acknowledged_at  timestamptz,
    acknowledged_by  bigint REFERENCES users (id),
    cleared_at       timestamptz
);
CREATE UNIQUE INDEX technical_alerts_one_live ON technical_alerts (device_id, kind) WHERE status <> 'cleared';
CREATE INDEX technical_alerts_recent ON technical_alerts (status, raised_at DESC);
