-- Devices that announced themselves (a Zigbee2MQTT join or device list, a message from an unknown id) wait here
-- for a technician to claim them; they are never trusted automatically and their messages stay in dead letters.

CREATE TABLE pending_devices (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    adapter      text NOT NULL,
    external_id  text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
    alias        text CHECK (length(alias) <= 200),  -- another name it goes by (Zigbee friendly name)
    event        text NOT NULL,  -- how it was last heard of: message, bridge/devices, device_joined, ...
    model        text,
    vendor       text,
    first_seen   timestamptz NOT NULL,
    last_seen    timestamptz NOT NULL,
    messages     bigint NOT NULL DEFAULT 0,  -- messages from it kept in dead letters
    UNIQUE (adapter, external_id)
);

-- Replacement: the old device is retired and points at its successor, which inherits home, room and history.
ALTER TABLE devices ADD COLUMN replaced_by bigint REFERENCES devices (id);
CREATE INDEX devices_replaced_by ON devices (replaced_by) WHERE replaced_by IS NOT NULL;

-- A device's registry history: registered, claimed, moved, replaced, retired.
CREATE TABLE device_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id  bigint NOT NULL REFERENCES devices (id),
    at         timestamptz NOT NULL DEFAULT now(),
    event      text NOT NULL,
    detail     text NOT NULL DEFAULT '',
    user_id    bigint REFERENCES users (id)
);
CREATE INDEX device_events_device ON device_events (device_id, at);

-- Claiming a device replays its kept messages: find them by identity.
CREATE INDEX dead_letters_unknown_device ON dead_letters (adapter, external_id, received_at)
    WHERE reason = 'unknown_device';
