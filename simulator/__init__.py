"""Simulator: homes with residents and devices that publish real payload formats, ground truth, load tests.

Pure behaviour model (no I/O): `profile` (a resident's habits) -> `plan` (a day as segments of place and
activity) -> `sense` and `periodic` (what each device observes) -> `home.HomeModel.events`, with `inject` and
`schedule` changing it and `truth` recording what was injected. `layout` gives each home its devices and gateway
profile; `formats` turns events into native, Zigbee2MQTT or Nuki messages; `world` merges many homes in time.
I/O at the edges: `publish` (MQTT, loopback only), `seed`/`register` (registry), `readback` and `expect` (what
the hub stored and should have), `loadtest` + `report` (`carehub simulate`), `replay` (real recordings),
`demo` (the stream of `carehub demo`), `bench` (the publish benchmark).
"""
