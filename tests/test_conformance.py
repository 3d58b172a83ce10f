"""Conformance of our ABI (tim_abi.h, aiotim._abi, enums.py) with the real SDK's headers, symbols.

The vendor headers and libImSDK.so come from the cache ``scripts/fetch-real-sdk`` fills; without
it these tests skip and say so. The library is never loaded: its symbol table is read with
``nm -D``. Both sides are read by the one header parser, ``aiotim._abi.parse``. Regenerate the
enums with ``scripts/gen_enums.py`` when the headers change.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib.util
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType

import pytest

from aiotim import _abi as abi
from aiotim import enums
from aiotim._abi import parse
from aiotim._abi.parse import CParam, HeaderSet, Signature, normalize_type
from aiotim._abi.vendor import SKIP_REASON, cached_include_dir, cached_library

REPO = Path(__file__).resolve().parent.parent
INCLUDE = cached_include_dir()
LIBRARY = cached_library()

#: Exported by libImSDK.so 8.0.5906 with no prototype in any header: not bound, on purpose.
UNDOCUMENTED = frozenset(
    {
        "TIMGetVersion",
        "TIMNotifySocketEvent",
        "TIMRegisterEncryptionDelegate",
        "TIMRegisterSocketDelegate",
        "TIMUnregisterEncryptionDelegate",
        "TIMUnregisterSocketDelegate",
        "TIMWriteLog",
    }
)
#: The inventory of the 8.0.5906 headers (design/reference/tim-c-api.md, section 0).
N_FUNCTIONS, N_TYPEDEFS, N_ENUMS, N_ERRCODES = 240, 72, 57, 376

needs_headers = pytest.mark.skipif(INCLUDE is None, reason=SKIP_REASON)
needs_library = pytest.mark.skipif(LIBRARY is None, reason=SKIP_REASON)
needs_nm = pytest.mark.skipif(shutil.which("nm") is None, reason="nm (binutils) is not installed")


@pytest.fixture(scope="module")
def vendor() -> HeaderSet:
    """The parsed vendor parse."""
    assert INCLUDE is not None
    return parse.parse_dir(INCLUDE)


@pytest.fixture(scope="module")
def ours() -> HeaderSet:
    """Our tim_abi.h, parsed with the same parser as the vendor parse."""
    return parse.parse_text(abi.abi_header_text(), "tim_abi.h")


@pytest.fixture
def report(request: pytest.FixtureRequest) -> Iterator[Callable[[str], None]]:
    """Write a line to the terminal even when output is captured."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    lines: list[str] = []
    yield lines.append
    for line in lines:
        if reporter is None or capture is None:  # pragma: no cover - e.g. xdist workers
            print(f"conformance: {line}")
            continue
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"conformance: {line}")


@pytest.fixture(scope="module")
def exported() -> frozenset[str]:
    """Names of the defined dynamic symbols of libImSDK.so (read with nm; never loaded)."""
    assert LIBRARY is not None
    out = subprocess.run(
        ["nm", "-D", "--defined-only", str(LIBRARY)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return frozenset(line.split()[-1] for line in out.splitlines() if line.strip())


def binding_functions() -> dict[str, Signature]:
    """abi.FUNCTIONS (what the binding really uses) as normalised signatures."""
    return {
        f.name: Signature(
            f.name,
            normalize_type(f.restype),
            tuple(CParam(normalize_type(p.ctype), p.name) for p in f.params),
        )
        for f in abi.FUNCTIONS.values()
    }


def binding_typedefs() -> dict[str, Signature]:
    """abi.CALLBACKS as normalised signatures (callback typedefs return void)."""
    return {
        c.name: Signature(
            c.name, "void", tuple(CParam(normalize_type(p.ctype), p.name) for p in c.params)
        )
        for c in abi.CALLBACKS.values()
    }


def members(enum_class: type[enum.IntEnum]) -> dict[str, int]:
    """Every name of an IntEnum, aliases included, with its value."""
    return {name: int(member) for name, member in enum_class.__members__.items()}


def load_gen_enums() -> ModuleType:
    """scripts/gen_enums.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("gen_enums", REPO / "scripts" / "gen_enums.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_headers
class TestPrototypes:
    """Every prototype and callback typedef of tim_abi.h is the vendor's, and nothing else."""

    def test_vendor_inventory(self, vendor: HeaderSet) -> None:
        """The parser finds the documented inventory in the vendor headers (no silent misses)."""
        assert len(vendor.functions) == N_FUNCTIONS
        assert len(vendor.typedefs) == N_TYPEDEFS
        assert len(vendor.enums) == N_ENUMS
        assert len(vendor.enums["TIMErrCode"].members) == N_ERRCODES

    def test_functions_match(
        self, ours: HeaderSet, vendor: HeaderSet, report: Callable[[str], None]
    ) -> None:
        """Same names, return types, parameter types and names as the vendor prototypes."""
        problems = parse.diff_signatures(ours.functions, vendor.functions, what="function")
        assert problems == []
        same = len(set(ours.functions) & set(vendor.functions))
        report(f"{same}/{len(vendor.functions)} functions of tim_abi.h match the headers")

    def test_typedefs_match(
        self, ours: HeaderSet, vendor: HeaderSet, report: Callable[[str], None]
    ) -> None:
        """Same callback typedefs, with the same parameter types and names."""
        problems = parse.diff_signatures(ours.typedefs, vendor.typedefs, what="typedef")
        assert problems == []
        same = len(set(ours.typedefs) & set(vendor.typedefs))
        report(f"{same}/{len(vendor.typedefs)} callback typedefs of tim_abi.h match the headers")

    def test_binding_view_matches(self, vendor: HeaderSet) -> None:
        """abi.FUNCTIONS and abi.CALLBACKS (the binding's view: C spelling, kinds) match too."""
        assert (
            parse.diff_signatures(
                binding_functions(), vendor.functions, what="function", ours_label="abi.FUNCTIONS"
            )
            == []
        )
        assert (
            parse.diff_signatures(
                binding_typedefs(), vendor.typedefs, what="typedef", ours_label="abi.CALLBACKS"
            )
            == []
        )

    def test_setters_register_their_typedef(self, vendor: HeaderSet) -> None:
        """CALLBACK_SETTERS maps each vendor setter to the typedef of its first parameter."""
        setters = {
            name: fn.params[0].ctype
            for name, fn in vendor.functions.items()
            if name.startswith("TIMSet") and name.endswith("Callback")
        }
        setters["TIMAddRecvNewMsgCallback"] = "TIMRecvNewMsgCallback"
        assert {name: cb.name for name, cb in abi.CALLBACK_SETTERS.items()} == setters
        assert len(setters) == 70  # 71 setters, TIMRemoveRecvNewMsgCallback excluded

    def test_abi_header_enums_match(self, ours: HeaderSet, vendor: HeaderSet) -> None:
        """The enums tim_abi.h declares for its signatures have the vendor's members."""
        assert ours.enums
        problems = parse.diff_enums(
            {name: e.values() for name, e in ours.enums.items()},
            [vendor.enums[name] for name in ours.enums],
            ours_label="tim_abi.h",
        )
        assert problems == []


@needs_headers
@needs_library
@needs_nm
class TestSymbols:
    """The exported symbols of libImSDK.so against FUNCTIONS (read with nm, never loaded)."""

    def test_documented_exports_are_bound(
        self, exported: frozenset[str], vendor: HeaderSet, report: Callable[[str], None]
    ) -> None:
        """Every exported TIM* symbol that has a header prototype is in FUNCTIONS."""
        tim = {name for name in exported if name.startswith("TIM")}
        documented = tim & set(vendor.functions)
        assert documented - set(abi.FUNCTIONS) == set()
        report(
            f"{len(tim)} exported TIM* symbols: {len(documented)} with a prototype, all bound; "
            f"{len(tim - documented)} undocumented, excluded by name"
        )

    def test_undocumented_exports_are_exactly_the_known_seven(
        self, exported: frozenset[str], vendor: HeaderSet
    ) -> None:
        """The TIM* exports without a prototype are the 7 known ones (a new one shows here)."""
        tim = {name for name in exported if name.startswith("TIM")}
        assert tim - set(vendor.functions) == UNDOCUMENTED
        assert not UNDOCUMENTED & set(abi.FUNCTIONS)

    def test_every_bound_function_is_exported(
        self, exported: frozenset[str], report: Callable[[str], None]
    ) -> None:
        """Every function of FUNCTIONS (callExperimentalAPI included) is exported."""
        assert set(abi.FUNCTIONS) - exported == set()
        report(f"{len(set(abi.FUNCTIONS) & exported)}/{len(abi.FUNCTIONS)} functions exported")


@needs_headers
class TestEnums:
    """aiotim.enums against the parse."""

    def test_members_and_values_equal_the_headers(
        self, vendor: HeaderSet, report: Callable[[str], None]
    ) -> None:
        """Every vendor enum is in aiotim.enums with the same members, aliases and values."""
        ours = {cls.__name__: members(cls) for cls in enums.VENDOR_ENUMS}
        assert set(ours) == set(vendor.enums)
        assert parse.diff_enums(ours, vendor.enums.values(), ours_label="aiotim.enums") == []
        report(
            f"{len(ours)}/{len(vendor.enums)} enums, "
            f"{len(members(enums.TIMErrCode))}/{N_ERRCODES} TIMErrCode members match"
        )

    def test_module_is_up_to_date(self, vendor: HeaderSet) -> None:
        """aiotim/enums.py is exactly what scripts/gen_enums.py renders from these parse."""
        rendered = load_gen_enums().render(vendor)
        current = (REPO / "aiotim" / "enums.py").read_text(encoding="utf-8")
        assert rendered == current, "aiotim/enums.py is stale: run scripts/gen_enums.py"


class TestTwins:
    """The Pythonic twins (ConvType, NetworkStatus, ...) mirror their vendor enums."""

    @pytest.mark.parametrize(("twin", "vendor_enum"), list(enums.TWINS.items()))
    def test_same_values(self, twin: type[enum.IntEnum], vendor_enum: type[enum.IntEnum]) -> None:
        """A twin has one member per vendor member, with the same values."""
        assert sorted(int(m) for m in twin) == sorted(int(m) for m in vendor_enum)

    def test_documented_values(self) -> None:
        """The values the public API documents."""
        assert (enums.NetworkStatus.CONNECTED, enums.NetworkStatus.CONNECT_FAILED) == (0, 3)
        assert (enums.LoginStatus.LOGGED_IN, enums.LoginStatus.LOGGING_OUT) == (1, 4)
        assert int(enums.ConvType.C2C) == int(enums.TIMConvType.kTIMConv_C2C) == 1
        assert int(enums.ElemType.TEXT) == 0
        assert int(enums.ElemType.INVALID) == -1


# ---- the checker must fail on drift ----------------------------------------------------------

TEXT_MUTATIONS = pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "int TIMLogin(const char* user_id, const char* user_sig,",
            "int TIMLogin(const char* user_id, char* user_sig,",
            "function TIMLogin (TIMManager.h:458): parameter 2 'user_sig' has type 'char*'",
            id="parameter-type",
        ),
        pytest.param(
            "int TIMLogin(const char* user_id, const char* user_sig,",
            "int TIMLogin(const char* user_id, const char* usersig,",
            "parameter 2 is named 'usersig' in tim_abi.h, 'user_sig'",
            id="parameter-name",
        ),
        pytest.param(
            "const char* TIMGetSDKVersion(void);",
            "char* TIMGetSDKVersion(void);",
            "function TIMGetSDKVersion (TIMManager.h:364): returns 'char*'",
            id="return-type",
        ),
        pytest.param(
            "int TIMInit(uint64_t sdk_app_id, const char* json_sdk_config);",
            "int TIMInit(uint32_t sdk_app_id, const char* json_sdk_config);",
            "'uint32_t' in tim_abi.h, 'uint64_t' in the vendor header",
            id="integer-width",
        ),
        pytest.param(
            "int TIMConvPinConversation(const char* conv_id, enum TIMConvType conv_type, "
            "bool is_pinned,",
            "int TIMConvPinConversation(const char* conv_id, enum TIMConvType conv_type,",
            "function TIMConvPinConversation (TIMConversationManager.h:604): 4 parameters",
            id="parameter-dropped",
        ),
        pytest.param(
            "int TIMUninit(void);",
            "",
            "missing function TIMUninit (TIMManager.h:357)",
            id="function-missing",
        ),
        pytest.param(
            "int TIMUninit(void);",
            "int TIMUninit(void);\nint TIMUninitEx(void);",
            "extra function TIMUninitEx in tim_abi.h",
            id="function-extra",
        ),
        pytest.param(
            "typedef void (*TIMCommCallback)(int32_t code,",
            "typedef void (*TIMCommCallback)(int code,",
            "typedef TIMCommCallback (TIMCloudDef.h:75): parameter 1 'code' has type 'int'",
            id="typedef-parameter-type",
        ),
        pytest.param(
            "typedef void (*TIMKickedOfflineCallback)(const void* user_data);",
            "",
            "missing typedef TIMKickedOfflineCallback (TIMManager.h:166)",
            id="typedef-missing",
        ),
    ],
)

EQUIVALENT_SPELLINGS = pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("enum TIMConvType conv_type", "TIMConvType conv_type", id="enum-tag"),
        pytest.param("int TIMUninit(void);", "int TIMUninit();", id="empty-parens"),
        pytest.param("const char* user_id,", "const char *user_id,", id="star-placement"),
        pytest.param("TIMCommCallback cb, const", "TIMCommCallback   cb,\n    const", id="spaces"),
        pytest.param("int TIMUninit(void);", "TIM_API int TIMUninit(void);", id="tim-api"),
        pytest.param("int TIMUninit(void);", "/* x */ int TIMUninit(void); // y", id="comments"),
    ],
)


@needs_headers
class TestDriftIsReported:
    """The checker reports a mutated copy of tim_abi.h, and ignores mere spelling."""

    @staticmethod
    def check(text: str, vendor: HeaderSet) -> list[str]:
        parsed = parse.parse_text(text, "tim_abi.h")
        return parse.diff_signatures(
            parsed.functions, vendor.functions, what="function"
        ) + parse.diff_signatures(parsed.typedefs, vendor.typedefs, what="typedef")

    @TEXT_MUTATIONS
    def test_text_mutation_is_reported(
        self, vendor: HeaderSet, old: str, new: str, expected: str
    ) -> None:
        """Mutating one declaration of a copy of tim_abi.h makes the checker name it."""
        original = abi.abi_header_text()
        assert original.count(old) == 1, f"mutation anchor not found once: {old!r}"
        problems = self.check(original.replace(old, new), vendor)
        assert any(expected in p for p in problems), problems

    @EQUIVALENT_SPELLINGS
    def test_equivalent_spelling_is_not_drift(self, vendor: HeaderSet, old: str, new: str) -> None:
        """C/C++ spelling differences the conformance rules normalise are not reported."""
        original = abi.abi_header_text()
        assert old in original
        assert self.check(original.replace(old, new), vendor) == []

    def test_binding_view_mutation_is_reported(self, vendor: HeaderSet) -> None:
        """A changed parameter in abi.FUNCTIONS' view is reported against the parse."""
        view = binding_functions()
        login = view["TIMLogin"]
        bad = (
            login.params[0],
            dataclasses.replace(login.params[1], ctype="int"),
            *login.params[2:],
        )
        view["TIMLogin"] = dataclasses.replace(login, params=bad)
        problems = parse.diff_signatures(view, vendor.functions, what="function")
        assert len(problems) == 1
        assert "TIMLogin" in problems[0]

    def test_enum_mutation_is_reported(self, vendor: HeaderSet) -> None:
        """A changed, missing or extra enum member is reported."""
        ours: dict[str, Mapping[str, int]] = {
            cls.__name__: members(cls) for cls in enums.VENDOR_ENUMS
        }
        conv = dict(ours["TIMConvType"])
        conv["kTIMConv_Group"] = 5
        del conv["kTIMConv_System"]
        conv["kTIMConv_Bogus"] = 9
        ours["TIMConvType"] = conv
        del ours["TIMResult"]
        problems = parse.diff_enums(ours, vendor.enums.values(), ours_label="aiotim.enums")
        assert len(problems) == 4, problems
        joined = "\n".join(problems)
        for needle in (
            "kTIMConv_Group is 5",
            "kTIMConv_System=3 missing",
            "kTIMConv_Bogus",
            "missing enum TIMResult",
        ):
            assert needle in joined
