"""The benchmark behind ``make bench``: a city-sized data set, the portal under load, one table.

- ``environment``: the benchmark's own database (created if missing) and the production settings it runs with;
- ``seed``: writes the data set with COPY, once (later runs reuse it);
- ``settings`` / ``urls`` / ``views``: the portal plus the bare "ceiling" page, for the benchmark only;
- ``run``: measures every page with wrk against gunicorn and prints (and saves) the table;
- ``wrk/report.lua``: how wrk hands its exact percentiles and errors back.

Nothing here is imported by the portal itself.
"""
