"""The stress sidecar of one task (dev.preflight.faults.StressSidecar): burns CPU and holds memory on command.

As AWS FIS's aws:ecs:task-cpu-stress and aws:ecs:task-memory-stress run stress-ng in a sidecar container
of the task, the harness charges this process (and its workers) to the task, so the task's CPUUtilization
and MemoryUtilization count what it uses. Commands, one a line on stdin:
  cpu <cores>      burn this many cores (0.3 = 30 % of one core), in 10 ms slices, one worker per core
  memory <bytes>   hold this many bytes resident (anonymous mappings of 1 MiB, written so they count)
It exits when stdin closes: the harness that started it is gone, so nothing outlives it.
Standard library only: it runs with the machine's python3 (3.8+).
"""
import mmap
import multiprocessing
import sys
import time

SLICE = 0.01
CHUNK = 1 << 20


def burn(share, parent):
    """A worker: busy for share x SLICE of every slice, asleep the rest; ends when its parent has."""
    import os
    while os.getppid() == parent:
        fraction = min(1.0, max(0.0, share.value))
        start = time.perf_counter()
        if fraction > 0:
            end = start + fraction * SLICE
            while time.perf_counter() < end:
                pass
        rest = SLICE - (time.perf_counter() - start)
        if rest > 0:
            time.sleep(rest)


def main():
    import os
    workers = []  # (process, shared share)
    held = []
    print("ready", flush=True)  # loaded: what it holds from here on is its own few MiB
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 2:
            continue
        what, value = parts[0], float(parts[1])
        if what == "cpu":
            cores = max(0.0, value)
            while len(workers) < int(cores + 0.999999):
                share = multiprocessing.Value("d", 0.0, lock=False)
                worker = multiprocessing.Process(target=burn, args=(share, os.getpid()), daemon=True)
                worker.start()
                workers.append((worker, share))
            for i, (_, share) in enumerate(workers):
                share.value = min(1.0, max(0.0, cores - i))
        elif what == "memory":
            chunks = int(max(0.0, value) // CHUNK)
            while len(held) > chunks:
                held.pop().close()
            while len(held) < chunks:
                block = mmap.mmap(-1, CHUNK)
                block.write(b"\x01" * CHUNK)
                held.append(block)
        print("ok", what, value, flush=True)


if __name__ == "__main__":
    main()
