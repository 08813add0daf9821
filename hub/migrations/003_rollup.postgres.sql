-- Hourly rollup of readings. Plain PostgreSQL: a table the hub's scheduler refreshes from the oldest hour that
-- ingest has touched since the last refresh (rollup_state.dirty_from).

CREATE TABLE readings_hourly (
    bucket     timestamptz NOT NULL,
    device_id  bigint NOT NULL,
    metric     text NOT NULL,
    n          bigint NOT NULL,
    total      double precision NOT NULL,
    min        double precision NOT NULL,
    max        double precision NOT NULL,
    PRIMARY KEY (device_id, metric, bucket)
);

CREATE TABLE rollup_state (
    id          int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    dirty_from  timestamptz
);
INSERT INTO rollup_state (id, dirty_from) VALUES (1, NULL);
