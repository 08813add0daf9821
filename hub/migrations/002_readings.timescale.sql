-- Readings on TimescaleDB: a hypertable in daily chunks, compressed after a week (segmented by device and
-- metric). Retention follows the `CAREHUB_RETENTION__READINGS_DAYS` setting and is applied by the hub at start.

CREATE TABLE readings (
    ts         timestamptz NOT NULL,
    device_id  bigint NOT NULL,
    metric     text NOT NULL,
    value      double precision NOT NULL
);
SELECT create_hypertable('readings', by_range('ts', INTERVAL '1 day'), create_default_indexes => false);
CREATE UNIQUE INDEX readings_key ON readings (device_id, metric, ts);

ALTER TABLE readings SET (
    timescaledb.compress,
    timescaledb.compress_segmentby = 'device_id, metric',
    timescaledb.compress_orderby = 'ts'
);
SELECT add_compression_policy('readings', INTERVAL '7 days');
