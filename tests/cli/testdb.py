"""The database a CLI test runs against: a SQLite file in the test's work
directory, or a fresh schema on the PostgreSQL server that
scripts/with-postgres started (REBOUND_TEST_POSTGRES_URL)."""
import os
import sqlite3
import subprocess
import sys
import uuid


def database_url(backend, work, schema_prefix):
    """The --db URL for `backend` ("sqlite" or "postgres"). Without a
    PostgreSQL server the test is reported skipped and the process exits."""
    if backend == "sqlite":
        return "sqlite:" + os.path.join(work, "t.db")
    base = os.environ.get("REBOUND_TEST_POSTGRES_URL")
    if not base:
        print("postgres: REBOUND_TEST_POSTGRES_URL not set; skipped")
        print("0 passed, 0 failed, 1 skipped")
        sys.exit(0)
    # A schema of its own, so runs never see each other's rows.
    schema = schema_prefix + uuid.uuid4().hex[:10]
    subprocess.run(["psql", base, "-q", "-c", f"CREATE SCHEMA {schema}"], check=True)
    return base + ("&" if "?" in base else "?") + f"options=-csearch_path%3D{schema}"


def sql(url, query):
    """Rows of `query` on the database at `url` (fixtures and inspection
    only): SQLite values as stored, PostgreSQL ones as psql prints them."""
    if url.startswith("sqlite:"):
        con = sqlite3.connect(url[len("sqlite:"):])
        try:
            rows = con.execute(query).fetchall()
            con.commit()
            return rows
        finally:
            con.close()
    out = subprocess.run(["psql", url, "-At", "-F", "\t", "-c", query], capture_output=True, text=True, check=True)
    return [tuple(line.split("\t")) for line in out.stdout.splitlines() if line]
