"""The hostile-input corpus: every file gets exit code 2 and one line per problem, in bounded time and
memory, and the workspace stays exactly as it was.

Small files live in tests/data/hostile/ (see its README.md); big files and bombs are made here at
run time in a temporary folder, never committed. The cases run in two worker processes, apart from
the test run, so a hang is killed by a timeout and a memory bomb cannot take pytest with it: each
worker imports scoring once and runs `scoring …` commands one after another through click's
CliRunner, reporting exit code, output, time and its peak RSS after each. A worker that overruns a
case's time is killed, the case counted as a hang, and a fresh worker takes the rest.

SCORING_BIG_TESTS=1 makes the big-file cases 100 MB instead of 20 MB.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import Workspace
from scoring.standard.loader import DEFAULT_CRITERIA, DEFAULT_RULES

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "hostile"
BIG = os.environ.get("SCORING_BIG_TESTS") == "1"
BIG_BYTES = (100 if BIG else 20) * 1024 * 1024
TIMEOUT = 60  # seconds for one command; every case here takes a few
MAX_RSS_MB = 400  # a bomb that got through would take gigabytes
HEADER = "编号,单位编码,考核周期,检查日期,检查人,问题代码,指标,数量,当场纠正,问题描述,佐证\n"
ROW = "F-{n},D001,2025,2025-03-01,张明,CONTENT_STALE,,1,否,{note},\n"

# The child reports its own peak RSS on the way out, whatever happened.
CHILD = """
import resource, sys
from scoring.cli import cli
from scoring.standard.loader import DEFAULT_CRITERIA, DEFAULT_RULES
try:
    cli.main(sys.argv[1:], prog_name="scoring")
finally:
    print(f"@@maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
"""

# A worker: one JSON case per stdin line ({"argv": [...], "cwd": ...}), one JSON outcome per stdout line.
WORKER = """
import json, os, resource, sys, time, traceback
from click.testing import CliRunner
from scoring.cli import cli
from scoring.standard.loader import DEFAULT_CRITERIA, DEFAULT_RULES

out = sys.stdout
print(json.dumps({"ready": True}), file=out, flush=True)
# Linux keeps a resettable peak (VmHWM): each case is measured alone, not with every case before it
# in this worker (ru_maxrss only grows, so one case's peak would count against every later one).
def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def peak_mb():
    try:
        with open("/proc/self/status") as fh:
            return next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


for line in sys.stdin:
    case = json.loads(line)
    os.chdir(case["cwd"])
    reset_peak()
    started = time.monotonic()
    result = CliRunner().invoke(cli, case["argv"], env={"SCORING_DB": None, "SCORING_LANG": None,
                                                         "SCORING_USER": "pytest"})
    stderr = result.stderr
    if result.exc_info and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
    print(json.dumps({"code": result.exit_code, "stdout": result.stdout, "stderr": stderr,
                      "seconds": time.monotonic() - started,
                      "rss_mb": peak_mb()}), file=out, flush=True)
"""


@dataclass
class Outcome:
    code: int | None
    stdout: str
    stderr: str
    seconds: float
    rss_mb: float

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def scoring(*args: object, cwd: Path, timeout: float) -> Outcome:
    """Run `scoring ARGS` in a fresh interpreter; a command still running after `timeout` is killed."""
    env = {k: v for k, v in os.environ.items() if k not in ("SCORING_DB", "SCORING_LANG")}
    env["SCORING_USER"] = "pytest"
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, *map(str, args)], cwd=cwd, env=env, capture_output=True,
                              text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return Outcome(None, "", f"killed after {timeout} s: a hang", timeout, 0)
    rss = re.search(r"@@maxrss (\d+)", done.stderr)
    stderr = re.sub(r"@@maxrss \d+\n?", "", done.stderr)
    return Outcome(done.returncode, done.stdout, stderr, time.monotonic() - started,
                   int(rss.group(1)) / 1024 if rss else 0)


class Workers:
    """Run many `scoring` commands in a worker process, each with a deadline; a hang costs one worker."""

    def __init__(self, timeout: float = 30):
        self.timeout = timeout
        self.process: subprocess.Popen | None = None
        self.lines: queue.Queue = queue.Queue()

    def _start(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True, encoding="utf-8", errors="replace")
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, args=(self.process, self.lines), daemon=True).start()
        assert json.loads(self.lines.get(timeout=120)) == {"ready": True}

    @staticmethod
    def _pump(process: subprocess.Popen, lines: queue.Queue) -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    def run(self, *args: object, cwd: Path) -> Outcome:
        if self.process is None or self.process.poll() is not None:
            self._start()
        self.process.stdin.write(json.dumps({"argv": [str(a) for a in args], "cwd": str(cwd)}) + "\n")
        self.process.stdin.flush()
        try:
            line = self.lines.get(timeout=self.timeout)
        except queue.Empty:
            self.close()
            return Outcome(None, "", f"killed after {self.timeout} s: a hang", self.timeout, 0)
        if line is None:  # the worker died: out of memory, or a crash in C
            code = self.process.wait()
            self.process = None
            return Outcome(code, "", f"the worker process died (exit {code})", 0, 0)
        data = json.loads(line)
        return Outcome(data["code"], data["stdout"], data["stderr"], data["seconds"], data["rss_mb"])

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def snapshot(db: Path) -> tuple[str, str]:
    """(integrity_check, sha256 of the full SQL dump): equal snapshots are equal databases."""
    conn = sqlite3.connect(db)
    try:
        integrity = conn.execute("pragma integrity_check").fetchone()[0]
        digest = hashlib.sha256("\n".join(conn.iterdump()).encode("utf-8", "surrogatepass")).hexdigest()
    finally:
        conn.close()
    return integrity, digest


# ------------------------------------------------------------------ the cases

# file -> what the one-line reasons must say (one pattern per expected line, in order; the first
# line is prefixed "错误：" by click). Files named std-* are standards: a *.rules.yml joins the
# exported default standard's rules, a *.criteria.yml replaces its criteria.yml.
EXPECTED: dict[str, list[str]] = {
    # CSV
    "findings-unclosed-quote.csv": [r"findings-unclosed-quote.csv 第 2 行：带引号的单元格没有闭合.*请补上闭合的引号或删除该引号"],
    "findings-text-after-quote.csv": [r"findings-text-after-quote.csv 第 3 行：单元格的闭合引号后面还有文字"],
    "findings-swallowed-rows.csv": [r"findings-swallowed-rows.csv 第 2 行、「问题描述」列：带引号的单元格跨越了多行.*"
                                    r"（引号未闭合？）"],
    "findings-nul-byte.csv": [r"findings-nul-byte.csv 第 2 行、「检查人」列：含有 NUL 字节"],
    "findings-mixed-encodings.csv": [r"findings-mixed-encodings.csv 第 1 行：按 GB18030 读取的文件中出现了 UTF-8 "
                                     r"文字（文件混用了两种编码？）；请将整个文件另存为 UTF-8 CSV"],
    "findings-utf16.csv": [r"findings-utf16\.csv: 文件是 UTF-16 文本"],
    "findings-empty.csv": [r"findings-empty\.csv: 文件是空的"],
    "findings-header-only.csv": [r"findings-header-only\.csv: 文件只有表头，没有可导入的数据行"],
    "findings-more-cells-than-header.csv": [r"findings-more-cells-than-header.csv 第 2 行：单元格数多于表头的列数"],
    "findings-duplicate-column.csv": [r"findings-duplicate-column.csv 第 1 行（表头）：列名「单位编码」出现了两次"
                                      r"（第 B 列和第 K 列）"],
    "findings-many-problems.csv": [
        r"findings-many-problems.csv 第 2 行、「单位编码」列：单位「D999」不在单位名单中",
        r"findings-many-problems.csv 第 3 行、「检查日期」列：「2025-02-30」不是有效日期",
        r"findings-many-problems.csv 第 4 行、「数量」列：数量不能小于 1",
        r"findings-many-problems.csv 第 4 行、「当场纠正」列：「也许」不是“是”或“否”",
        r"findings-many-problems.csv 第 4 行、「问题代码」列：无法识别的问题代码「CONTENT_STAEL」；是否应为「CONTENT_STALE」？",
        r"findings-many-problems.csv 第 5 行、「考核周期」列：考核周期「2031」尚未设立",
        r"findings-many-problems.csv 第 5 行、「检查日期」列：检查日期 2025-03-01 不在考核周期 2031 内"],
    "findings-million-char-cell.csv": [r"findings-million-char-cell.csv 第 3 行：单元格超过 100000 个字符"],
    "findings-million-char-quoted-cell.csv": [r"findings-million-char-quoted-cell.csv 第 2 行：单元格超过 "
                                              r"100000 个字符"],
    "findings-no-line-breaks.csv": [r"findings-no-line-breaks.csv 第 2 行：有一行超过 2000000 个字符"],
    "findings-mixed-encodings-late.csv": [r"findings-mixed-encodings-late.csv 第 1002 行、「检查人」列：含有不是 "
                                          r"utf-8 编码的字节（文件混用了多种编码？）"],
    "findings-zip-renamed.csv": [r"findings-zip-renamed\.csv: 文件是 zip 压缩包（XLSX 工作簿？）"],
    # XLSX
    "findings-formula.xlsx": [r"findings-formula.xlsx 第 3 行、「数量」列：公式 =B2\*3 没有保存计算结果.*请用 Excel 或 WPS 打开该文件并保存"],
    "findings-merged-header.xlsx": [r"findings-merged-header.xlsx 第 2 行、第 K 列：没有表头的列下有数据"
                                    r"（表头有合并单元格？"],
    "findings-title-row.xlsx": [r"findings-title-row.xlsx 第 2 行、第 B 列：没有表头的列下有数据"
                                r"（表头有合并单元格？表头上方有标题行？）"],
    "findings-hidden-first-sheet.xlsx": [r"findings-hidden-first-sheet\.xlsx: 已拒绝：第一个工作表「2024（已隐藏）」"
                                         r"是隐藏的.*请用 --sheet 工作表名 .*（可见的工作表：2025）"],
    "findings-not-a-zip.xlsx": [r"findings-not-a-zip\.xlsx: 不是可读取的 XLSX 工作簿.*请用 Excel 或 WPS 重新保存"],
    "findings-truncated.xlsx": [r"findings-truncated\.xlsx: 不是可读取的 XLSX 工作簿"],
    "findings-zip-bomb.xlsx": [r"findings-zip-bomb\.xlsx: xl/worksheets/sheet1\.xml 将从 \d+ KB 解压到 "
                               r"1 GB（超过 200 倍），疑似压缩炸弹，已拒绝"],
    "findings-entity-bomb.xlsx": [r"findings-entity-bomb.xlsx 第 \d+ 行：无法读取（ParseError: limit on input "
                                  r"amplification factor"],
    "findings-million-char-cell.xlsx": [r"findings-million-char-cell.xlsx 第 3 行、「问题描述」列：单元格超过 100000 个字符"],
    # JSON and JSON Lines
    "metrics-deep-nesting.json": [r"metrics-deep-nesting\.json: 不是有效的 JSON：嵌套层数过多"],
    "metrics-lone-surrogate.json": [r"metrics-lone-surrogate.json 第 1 行、「value」列：含有不是文字的字符"],
    "metrics-huge-integer.json": [r"metrics-huge-integer\.json: 不是有效的 JSON：数字超过 4300 位"],
    "metrics-not-a-list.json": [r"metrics-not-a-list\.json: JSON 输入应为对象列表，每个对象一行数据"],
    "metrics-duplicate-key.json": [r"metrics-duplicate-key\.json: 不是有效的 JSON：同一个对象中键「unit」"
                                   r"出现了两次"],
    "metrics-bad-line.jsonl": [r"metrics-bad-line.jsonl 第 2 行：不是有效的 JSON"],
    # Values that validate as numbers but cannot be stored
    "metrics-huge-exponent.csv": [
        r"metrics-huge-exponent.csv 第 2 行、「value」列：「1e999999999」太大（整数部分最多 15 位）",
        r"metrics-huge-exponent.csv 第 3 行、「value」列：「1e-999999999」的小数位超过 20 位"],
    "survey-issued-huge-count.csv": [r"survey-issued-huge-count.csv 第 2 行、「issued」列：发放份数不能大于 10000000"],
    # Standards
    "std-unknown-key.rules.yml": [
        r"rules/zz-hostile\.yml: 规则 HOSTILE_TYPO: title_en: 缺少必填字段",
        r"rules/zz-hostile\.yml: 规则 HOSTILE_TYPO: then\.dedcut: 不允许的字段（拼写错误？）",
        r"rules/zz-hostile\.yml: 规则 HOSTILE_TYPO: titel_en: 不允许的字段（拼写错误？）"],
    "std-unknown-field.rules.yml": [
        r"规则 HOSTILE_FIELDS: indicator: 未知的指标「T9」",
        r"规则 HOSTILE_FIELDS: when\.f\.cod: finding 事实没有字段「cod」",
        r"规则 HOSTILE_FIELDS: when\.f\.code: code 的值「CONTENT_STAEL」不存在",
        r"规则 HOSTILE_FIELDS: when\.s\.verdict: self_assessment 事实没有字段「verdict」",
        r"规则 HOSTILE_FIELDS: when\.m\.contacts_recieved: metrics 事实没有字段「contacts_recieved」"],
    "std-unknown-fact.rules.yml": [r"规则 HOSTILE_FACT: when\.f\.fact: 须为以下之一：'unit', 'finding'"],
    "std-billion-laughs.rules.yml": [r"rules/zz-hostile\.yml: YAML 格式错误：展开锚点和别名后超过 "
                                     r"100000 个值"],
    "std-alias-chain.rules.yml": [r"rules/zz-hostile\.yml: YAML 格式错误：嵌套超过 50 层"],
    "std-deep-nesting.rules.yml": [r"rules/zz-hostile\.yml: YAML 格式错误：嵌套超过 50 层"],
    "std-python-object.rules.yml": [r"rules/zz-hostile\.yml: YAML 格式错误：不允许使用标签 "
                                    r"'tag:yaml\.org,2002:python/object/apply:os\.system'"],
    "std-python-name.rules.yml": [r"rules/zz-hostile\.yml: YAML 格式错误：不允许使用标签 "
                                  r"'tag:yaml\.org,2002:python/name:os\.system'"],
    "std-list-where-code.rules.yml": [r"rules/zz-hostile\.yml: 规则 HOSTILE_LIST: when\.f: code：只能与一个值比较"
                                      r"（文字、数字或 true/false）；要比较多个值，请写 code: \{in: \[\.\.\.\]\}"],
    "std-two-documents.rules.yml": [r"rules/zz-hostile\.yml: YAML 格式错误：一个文件只能有一个 YAML 文档：请删除多余的 ---"],
    "std-bad-indentation.rules.yml": [r"rules/zz-hostile\.yml: YAML 格式错误：此处不能出现“键: 值”（缩进多了，或含有“: ”的文字"
                                      r"需要加引号） （第 3 行，第 13 列）"],
    "std-not-utf8.rules.yml": [r"rules/zz-hostile\.yml: 不是 UTF-8 文本（第 3 行的字节 0xc4）"],
    "std-device.rules.yml": [r"rules/zz-hostile\.yml: 不是普通文件"],
    "std-too-big.rules.yml": [r"rules/zz-hostile\.yml: 文件超过 2000000 字节"],
    "std-empty.criteria.yml": [r"criteria\.yml: 文件是空的（或只有注释）"],
    "std-list.criteria.yml": [r"criteria\.yml: 此处应为映射（键: 值）"],
}


def generate(folder: Path) -> None:
    """The cases too big, or too dangerous, to commit."""
    (folder / "findings-million-char-cell.csv").write_text(
        HEADER + ROW.format(n=1, note="ok") + ROW.format(n=2, note="长" * 1_000_000), encoding="utf-8")
    (folder / "findings-million-char-quoted-cell.csv").write_text(
        HEADER + ROW.format(n=1, note='"' + ("长" * 99 + "\n") * 10_000 + '"'), encoding="utf-8")
    with (folder / "findings-no-line-breaks.csv").open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        chunk = "x" * (1 << 20)
        for _ in range(BIG_BYTES >> 20):
            fh.write(chunk)
    late = (HEADER + "".join(ROW.format(n=i, note="栏目内容陈旧，仍为上年度信息") for i in range(1000))).encode("utf-8")
    assert len(late) > 64 * 1024  # past what encoding detection looks at
    (folder / "findings-mixed-encodings-late.csv").write_bytes(late + ROW.format(n=1000, note="旧").encode("gbk"))
    base = folder / "base.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(HEADER.strip().split(","))
    wb.active.append(ROW.format(n=1, note="ok").strip().split(","))
    wb.save(base)
    shutil.copyfile(base, folder / "findings-zip-renamed.csv")
    _zip_bomb(base, folder / "findings-zip-bomb.xlsx")
    sheet = zipfile.ZipFile(base).read("xl/worksheets/sheet1.xml").decode("utf-8")
    entities = '<!DOCTYPE lolz [<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)) + "]>"
    extra_row = '<row r="3"><c r="J3" t="inlineStr"><is><t>{}</t></is></c></row></sheetData>'
    _replace_member(base, folder / "findings-entity-bomb.xlsx", "xl/worksheets/sheet1.xml",
                    entities + sheet.replace("</sheetData>", extra_row.format("&lol9;")))
    _replace_member(base, folder / "findings-million-char-cell.xlsx", "xl/worksheets/sheet1.xml",
                    sheet.replace("</sheetData>", extra_row.format("长" * 1_000_000)))
    (folder / "std-deep-nesting.rules.yml").write_text("- " + "[" * 100_000 + "]" * 100_000 + "\n")
    (folder / "std-device.rules.yml").symlink_to("/dev/zero")
    (folder / "std-too-big.rules.yml").write_text("# padding\n" * 300_000)


def _replace_member(source: Path, target: Path, name: str, text: str) -> None:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, text.encode("utf-8") if item.filename == name else zin.read(item.filename))


def _zip_bomb(source: Path, target: Path) -> None:
    """A workbook whose one sheet is a single 1 GiB text cell: about 1 MB on disk, made in about a second.

    The deflate stream is one 16 MiB block compressed once and repeated: after a full flush the
    compressor starts afresh, so each repetition compresses to the same bytes. The zip is then
    written by hand (zipfile cannot take precompressed data), with a correct CRC and zip64 sizes.
    """
    import struct
    import zlib

    head = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
            b'<c r="A1" t="inlineStr"><is><t>')
    tail = b"</t></is></c></row></sheetData></worksheet>"
    block = b"A" * (1 << 24)
    repeats = 64
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = squeeze.compress(head) + squeeze.flush(zlib.Z_FULL_FLUSH)
    middle = squeeze.compress(block) + squeeze.flush(zlib.Z_FULL_FLUSH)
    last = squeeze.compress(tail) + squeeze.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + repeats * len(block) + len(tail)
    packed = len(first) + repeats * len(middle) + len(last)

    out = bytearray()
    directory = bytearray()
    with zipfile.ZipFile(source) as zin:
        for item in zin.infolist():
            offset = len(out)
            name = item.filename.encode()
            if item.filename == "xl/worksheets/sheet1.xml":
                extra = struct.pack("<HHQQ", 1, 16, size, packed)
                out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                                   len(name), len(extra)) + name + extra
                out += first + middle * repeats + last
                central_extra = struct.pack("<HHQQ", 1, 16, size, packed)
                directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0, crc, 0xFFFFFFFF,
                                         0xFFFFFFFF, len(name), len(central_extra), 0, 0, 0, 0, offset)
                directory += name + central_extra
            else:
                data = zin.read(item.filename)
                packed_data = zlib.compress(data, 9)[2:-4]
                out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, zlib.crc32(data), len(packed_data),
                                   len(data), len(name), 0) + name + packed_data
                directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, zlib.crc32(data),
                                         len(packed_data), len(data), len(name), 0, 0, 0, 0, 0, offset) + name
        count = len(zin.infolist())
    start = len(out)
    out += directory
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0)
    target.write_bytes(bytes(out))


# ------------------------------------------------------------------ running them


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The example workspace, scored once, checkpointed into one file to copy for every case."""
    db = tmp_path_factory.mktemp("template") / "scoring.db"
    Workspace(CliRunner(), db).init("2024", "2025").import_example().invoke("run", "--period", "2025")
    conn = sqlite3.connect(db)
    conn.execute("pragma wal_checkpoint(TRUNCATE)")
    conn.close()
    return db


@dataclass
class Case:
    name: str
    outcome: Outcome
    before: tuple[str, str]
    after: tuple[str, str]
    cwd: Path


def _standard(folder: Path, hostile: Path) -> Path:
    target = folder / "standard"
    (target / "rules").mkdir(parents=True)
    shutil.copyfile(DEFAULT_CRITERIA, target / "criteria.yml")
    for path in DEFAULT_RULES.glob("*.yml"):
        shutil.copyfile(path, target / "rules" / path.name)
    destination = target / "criteria.yml" if hostile.name.endswith(".criteria.yml") else target / "rules" / "zz-hostile.yml"
    destination.unlink(missing_ok=True)
    if hostile.is_symlink():
        destination.symlink_to(os.readlink(hostile))
    else:
        shutil.copyfile(hostile, destination)
    return target


def _run_case(workers: Workers, name: str, source: Path, template: Path, root: Path,
              before: tuple[str, str]) -> Case:
    folder = root / name
    folder.mkdir()
    db = folder / "scoring.db"
    shutil.copyfile(template, db)
    if name.startswith("std-"):
        standard = _standard(folder, source)
        outcome = workers.run("criteria", "check", standard, cwd=folder)
        # The same standard offered to a workspace: refused the same way, nothing recorded.
        used = workers.run("criteria", "use", standard, "--db", db, cwd=folder)
        checked = [line.removeprefix("错误：") for line in outcome.lines[1:]]
        if (used.code, [line.removeprefix("错误：") for line in used.lines]) != (outcome.code, checked):
            outcome.stderr += "\n--- criteria use said otherwise:\n" + used.stderr
    else:
        kind = "survey-issued" if name.startswith("survey-issued") else name.split("-", 1)[0]
        outcome = workers.run("import", kind, source, "--db", db, cwd=folder)
    return Case(name, outcome, before, snapshot(db), folder)


@pytest.fixture(scope="module")
def cases(template, tmp_path_factory) -> dict[str, Case]:
    """Every case, on its own copy of the workspace, in two workers (the machine has two cores)."""
    generated = tmp_path_factory.mktemp("generated")
    generate(generated)
    sources = {p.name: p for p in CORPUS.iterdir() if p.name in EXPECTED}
    sources.update({p.name: p for p in generated.iterdir() if p.name in EXPECTED})
    root = tmp_path_factory.mktemp("cases")
    before = snapshot(template)
    names = sorted(sources)
    shares = [names[0::2], names[1::2]]
    results: dict[str, Case] = {}

    def work(share: list[str]) -> None:
        workers = Workers()
        try:
            for name in share:
                results[name] = _run_case(workers, name, sources[name], template, root, before)
        finally:
            workers.close()

    with ThreadPoolExecutor(max_workers=len(shares)) as pool:
        for future in [pool.submit(work, share) for share in shares]:
            future.result()
    return results


def test_every_corpus_file_is_a_case():
    committed = {p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx", ".json", ".jsonl", ".yml")}
    assert committed - set(EXPECTED) == set(), "a corpus file without expectations"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_input_is_refused_plainly(cases, name):
    case = cases.get(name)
    assert case is not None, f"{name}: neither in tests/data/hostile nor generated"
    out = case.outcome
    report = f"\n--- exit {out.code} in {out.seconds:.1f} s, peak RSS {out.rss_mb:.0f} MB\n--- stderr\n{out.stderr}"
    assert out.code == 2, report
    assert "Traceback" not in out.stderr, report
    lines = out.lines
    if name.startswith("std-"):
        assert lines[0] == "错误：评分标准有以下问题：", report
        lines = lines[1:]
    else:
        lines[0] = lines[0].removeprefix("错误：")
    # One line per problem, each saying what and where, in order.
    assert len(lines) == len(EXPECTED[name]), report
    for line, pattern in zip(lines, EXPECTED[name]):
        assert re.search(pattern, line), f"{line!r} does not match {pattern!r}{report}"
        assert len(line) < 600, report
    assert out.rss_mb < MAX_RSS_MB, report
    assert out.seconds < 30, report
    # The workspace exactly as before.
    assert case.after == case.before and case.after[0] == "ok", report
    assert not (case.cwd / "hostile-pwned").exists() and not (case.cwd / "standard" / "hostile-pwned").exists()


def _findings_file(path: Path, size: int, note_chars: int) -> int:
    """Valid findings for the example workspace, about `size` bytes; returns the number of rows."""
    note = ("政务公开栏内容陈旧，仍为上年度信息；" * (note_chars // 18 + 1))[:note_chars]
    rows = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        written = len(HEADER.encode())
        while written < size:
            line = (f"B-{rows:08d},D00{rows % 4 + 1},2025,2025-{rows % 12 + 1:02d}-{rows % 28 + 1:02d},张明,"
                    f"CONTENT_STALE,,{rows % 5 + 1},否,{note} {rows},照片 IMG_{rows}.jpg\n")
            fh.write(line)
            written += len(line.encode())
            rows += 1
    return rows


def test_a_big_file_imports_completely_with_flat_memory(template, tmp_path):
    """20 MB of valid findings import completely, in memory that does not grow with the file.

    The rows carry long notes, so the file is big but the row count (what import time grows with)
    stays small: the point is that the file is streamed, never held. SCORING_BIG_TESTS=1 imports
    100 MB of ordinary short rows instead (about 750,000; minutes, not seconds).
    """
    note_chars = 60 if BIG else 1000
    peaks = {}
    for size in (BIG_BYTES // 20, BIG_BYTES):
        db = tmp_path / f"{size}.db"
        shutil.copyfile(template, db)
        path = tmp_path / f"findings-{size}.csv"
        rows = _findings_file(path, size, note_chars)
        out = scoring("import", "findings", path, "--db", db, cwd=tmp_path, timeout=900 if BIG else 120)
        print(f"\n{path.stat().st_size / 2**20:.1f} MB, {rows} rows: exit {out.code} in {out.seconds:.1f} s, "
              f"peak RSS {out.rss_mb:.0f} MB")
        assert out.code == 0, out.stderr
        assert f"新增 {rows}" in out.stderr
        conn = sqlite3.connect(db)
        assert conn.execute("select count(*) from findings where id like 'B-%'").fetchone()[0] == rows
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        conn.close()
        peaks[size] = out.rss_mb
    small, big = peaks[BIG_BYTES // 20], peaks[BIG_BYTES]
    # Twenty times the file, nearly the same memory (the importer keeps one identity per row, to
    # find duplicates: a few dozen bytes a row, so short rows by the million do show).
    allowed = 30 + (150 if BIG else 0)
    assert big - small < allowed, f"peak RSS {small:.0f} MB for the small file, {big:.0f} MB for the big one"

