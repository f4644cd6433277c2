"""Work every test would repeat, done once per test process: templates, URL builders, parses."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import psycopg._queries
import pytest
from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from werkzeug.routing import Rule

from webapp import CivicFlask
from webapp.campaigns import safe_yaml
from webapp.civic import commands, loading


class SharedTemplateCode(BytecodeCache):
    """Compiled template code kept for the whole test process.

    Each test builds its own app, and with it a new Jinja environment that compiled every
    template it rendered from scratch: half of a typical form test's time (7 templates, about
    15 ms each). Code is shared only between environments built alike (same extensions and
    options), and Jinja's bucket checksum is the template's source, so a changed template is
    compiled anew. Templates are still loaded, looked up and run per app as before; servers and
    workers started as processes compile their own, as in production.
    """

    def __init__(self) -> None:
        self._code: dict[tuple[str, str], tuple[str, Any]] = {}

    @staticmethod
    def _built_as(environment: Environment) -> str:
        options = (
            sorted(environment.extensions),
            getattr(environment, "newstyle_gettext", None),
            environment.block_start_string,
            environment.variable_start_string,
            environment.comment_start_string,
            environment.line_statement_prefix,
            environment.line_comment_prefix,
            environment.trim_blocks,
            environment.lstrip_blocks,
            environment.keep_trailing_newline,
            environment.newline_sequence,
            environment.optimized,
            environment.is_async,
            getattr(environment.finalize, "__qualname__", None),
            environment.autoescape
            if isinstance(environment.autoescape, bool)
            else getattr(environment.autoescape, "__qualname__", repr(environment.autoescape)),
            type(environment).__qualname__,
            environment.code_generator_class.__qualname__,
        )
        return repr(options)

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self._code.get((self._built_as(bucket.environment), bucket.key))
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        key = (self._built_as(bucket.environment), bucket.key)
        self._code[key] = (bucket.checksum, bucket.code)


@pytest.fixture(scope="session", autouse=True)
def shared_template_code() -> Iterator[SharedTemplateCode]:
    """Every app built in this process compiles a template once (see SharedTemplateCode)."""
    shared = SharedTemplateCode()
    built = CivicFlask.create_jinja_environment

    def create_jinja_environment(self: CivicFlask) -> Any:
        environment = built(self)
        environment.bytecode_cache = shared
        return environment

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CivicFlask, "create_jinja_environment", create_jinja_environment)
        yield shared


@pytest.fixture(scope="session", autouse=True)
def shared_url_builders() -> Iterator[dict[tuple[Any, ...], Any]]:
    """Every app built in this process compiles each URL rule's builders once.

    Werkzeug compiles two Python functions per URL rule (one to build its URLs, one that also
    appends unknown arguments) from an AST it assembles: some 110 compilations, most of
    create_app's time, for every test's app. A builder is a function of the rule's text, its
    parsed parts and its defaults' names only (it reaches the rule's converters through the
    rule it is bound to), so rules alike share one. A rule with a default for one of its own
    variables (resolved through its converter when compiled) is compiled as before.
    """
    builders: dict[tuple[Any, ...], Any] = {}
    compile_builder = Rule._compile_builder

    def shared(self: Rule, append_unknown: bool = True) -> Any:
        defaults = self.defaults or {}
        if any(dynamic and name in defaults for dynamic, name in self._trace):
            return compile_builder(self, append_unknown)
        key = (self.rule, tuple(self._trace), tuple(defaults), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", shared)
        yield builders


@pytest.fixture(scope="session", autouse=True)
def shared_front_matter() -> Iterator[dict[str, Any]]:
    """Each campaign file's YAML front matter is parsed once in this process.

    Most tests import the shipped campaign (default_campaign), whose front matter took 10 ms
    to parse every time. The parse is a function of the text alone: a text seen before gets a
    deep copy of what it parsed to (the caller may change it), and one that fails to parse is
    parsed, and fails, every time.
    """
    parsed: dict[str, Any] = {}
    load = safe_yaml.load

    def shared(text: str) -> Any:
        if text not in parsed:
            parsed[text] = load(text)
        return copy.deepcopy(parsed[text])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(safe_yaml, "load", shared)
        yield parsed


@pytest.fixture(scope="session", autouse=True)
def shared_civic_parse() -> Iterator[dict[tuple[Any, ...], list[Any]]]:
    """The members file and the ZIP table are parsed once in this process by `flask civic sync`
    and `flask civic sync-zips`.

    Some 450 tests load both (tests/civic/data.py, through the CLI): parsing the 42,000 rows of
    zccd.csv took about 70 ms of CPU each time, the 537 members 15 ms. The parse is a function
    of the bytes read (and the file name, for the members' format) alone, and its results are
    immutable (tuples, frozen records): bytes seen before get a new list of the same rows. The
    file is still read, and the rows still stored, by the commands' own code each time; bytes
    that fail to parse are parsed, and fail, every time. Tests of the parsers call them
    directly, uncached.
    """
    parsed: dict[tuple[Any, ...], list[Any]] = {}

    def shared(parse: Any, name: str) -> Any:
        def parse_once(*args: Any, **kwargs: Any) -> list[Any]:
            key = (name, *args, *sorted(kwargs.items()))
            if key not in parsed:
                parsed[key] = parse(*args, **kwargs)
            return list(parsed[key])

        return parse_once

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(commands, "parse_zip_districts", shared(commands.parse_zip_districts, "zips"))
        patch.setattr(loading, "parse_legislators", shared(loading.parse_legislators, "members"))
        yield parsed


# Enough for the long statements the suite repeats (the roster's members and their changes, a
# campaign's rows); psycopg itself keeps 128 of the short ones.
LONG_QUERIES_KEPT = 32


@pytest.fixture(scope="session", autouse=True)
def shared_long_query_parse() -> Iterator[Any]:
    """psycopg turns each statement's %(name)s placeholders into $n once per text in this process.

    It keeps that conversion (a function of the statement's text and encoding alone; the result
    is shared by every caller, never changed) for statements under 4,096 bytes and 50
    parameters, and redoes it for longer ones, which an ORM builds with varying row counts in
    production. In the suite the same long ones come back in every test that loads the roster
    (537 members in one INSERT: 11,000 parameters split by a regular expression, about 40% of
    the load's CPU on PostgreSQL). Statements and parameters still go to the server as before.
    """
    with pytest.MonkeyPatch.context() as patch:
        shared = lru_cache(maxsize=LONG_QUERIES_KEPT)(psycopg._queries._query2pg_nocache)
        patch.setattr(psycopg._queries, "_query2pg_nocache", shared)
        yield shared
