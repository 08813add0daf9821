-- Who or what operated a lock, beside each `lock_action` reading (readings stay narrow: ts, device, metric, value).
-- Same key idea as readings: a redelivered message with the same time changes nothing. No foreign key to devices,
-- as for readings: ingest validates devices against its cache of the registry.

CREATE TABLE lock_events (
    ts         timestamptz NOT NULL,
    device_id  bigint NOT NULL,
    action     smallint NOT NULL,  -- the lock_action code: 1 unlock, 2 lock, 3 unlatch, 9 failed attempt
    name       text NOT NULL,      -- the gateway's own word or code ("key_unlock", Nuki "1")
    source     text,               -- keypad, rf, manual, rfid, fingerprint, app, button, auto_lock, mqtt, ...
    user_ref   text,               -- the gateway's user, code or key id, when the lock says
    PRIMARY KEY (device_id, ts, action)
);
CREATE INDEX lock_events_ts ON lock_events (ts);
