"""The machine a bench ran on, printed by every bench: CPU model, its SIMD flags, cores, memory, Python, load.

Speeds differ between CPUs (some have AVX-512 BF16, others only AVX2) and hosts are shared, so a figure means
little without the CPU, the flags its libraries could use and the load it ran under.
"""

from __future__ import annotations

import os
import platform
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

# The flags that change how fast the embedding model and numpy's dot products run.
SIMD_FLAGS = ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_int8")


@dataclass(frozen=True)
class Machine:
    cpu: str
    simd: tuple[str, ...]
    cores: int
    ram_gib: float
    python: str

    @property
    def avx512(self) -> bool:
        return "avx512f" in self.simd

    def line(self) -> str:
        """ "CPU: AMD EPYC · 2 cores · SIMD avx avx2 … avx512f … · 24 GiB · Python 3.11.7 · load 1.6"."""
        simd = " ".join(self.simd) or "none listed"
        without = "" if self.avx512 else " (no AVX-512)"
        return (
            f"CPU: {self.cpu} · {self.cores} cores · SIMD {simd}{without} · {self.ram_gib:.0f} GiB · "
            f"Python {self.python} · load {os.getloadavg()[0]:.1f}"
        )

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "simd": " ".join(self.simd), "avx512": self.avx512}


@lru_cache(maxsize=1)
def machine() -> Machine:
    model, flags = platform.processor() or "unknown", set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and model in ("unknown", platform.processor()):
                model = line.split(":", 1)[1].strip()
            elif line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return Machine(
        model, tuple(f for f in SIMD_FLAGS if f in flags), os.cpu_count() or 0, ram, platform.python_version()
    )
