"""Drives a Jupyter kernel with Debian's jupyter_client, for the kernel's protocol tests and bench.

Reads one JSON command per line on stdin and writes one JSON answer per line on stdout. Run with
/usr/bin/python3; the kernelspec is found through JUPYTER_PATH like any Jupyter front end would.
Commands: start, execute, execute_many, request, interrupt_during, raw, shutdown_request, restart,
shutdown, is_alive, pid. Every answer has "ok"; failures carry "error".
"""
import json
import queue
import sys
import time
import traceback

from jupyter_client.manager import KernelManager

km = None
kc = None


def now_ms():
    return time.perf_counter() * 1000.0


def strip(msg):
    return {"msg_type": msg["header"]["msg_type"], "content": msg["content"], "metadata": msg.get("metadata", {})}


def collect_iopub(msg_ids, timeout):
    """Collects iopub messages parented to msg_ids until each has published status idle."""
    pending = set(msg_ids)
    out = {mid: [] for mid in msg_ids}
    deadline = time.time() + timeout
    while pending:
        remaining = deadline - time.time()
        if remaining <= 0:
            raise TimeoutError("no idle status for %s" % sorted(pending))
        msg = kc.get_iopub_msg(timeout=remaining)
        parent = msg["parent_header"].get("msg_id")
        if parent not in out:
            continue
        if msg["header"]["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            pending.discard(parent)
            continue
        if msg["header"]["msg_type"] != "status":
            out[parent].append(strip(msg))
    return out


def shell_reply(msg_id, timeout):
    deadline = time.time() + timeout
    while True:
        msg = kc.get_shell_msg(timeout=max(0.01, deadline - time.time()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def cmd_start(c):
    global km, kc
    t0 = now_ms()
    km = KernelManager(kernel_name=c["kernel_name"])
    km.start_kernel(cwd=c.get("cwd"))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=c.get("timeout", 30))
    ready = now_ms() - t0
    info = kc.kernel_info(reply=True, timeout=10)
    return {"ms": ready, "kernel_info": info["content"]}


def cmd_execute(c):
    t0 = now_ms()
    mid = kc.execute(c["code"], silent=c.get("silent", False), store_history=c.get("store_history", True),
                     stop_on_error=c.get("stop_on_error", True))
    reply = shell_reply(mid, c.get("timeout", 30))
    iopub = collect_iopub([mid], c.get("timeout", 30))[mid]
    return {"ms": now_ms() - t0, "reply": reply["content"], "iopub": iopub}


def cmd_execute_many(c):
    mids = [kc.execute(code, stop_on_error=c.get("stop_on_error", True)) for code in c["codes"]]
    replies = [shell_reply(mid, c.get("timeout", 30))["content"] for mid in mids]
    iopub = collect_iopub(mids, c.get("timeout", 30))
    return {"results": [{"reply": r, "iopub": iopub[m]} for r, m in zip(replies, mids)]}


def cmd_request(c):
    t0 = now_ms()
    kind = c["type"]
    args = c.get("args", {})
    if kind == "complete":
        mid = kc.complete(args["code"], args.get("cursor_pos"))
    elif kind == "inspect":
        mid = kc.inspect(args["code"], args.get("cursor_pos"), args.get("detail_level", 0))
    elif kind == "is_complete":
        mid = kc.is_complete(args["code"])
    elif kind == "history":
        mid = kc.history(**args)
    elif kind == "comm_info":
        mid = kc.comm_info(args.get("target_name"))
    elif kind == "kernel_info":
        mid = kc.kernel_info()
    else:
        raise ValueError("unknown request type " + kind)
    reply = shell_reply(mid, c.get("timeout", 10))
    return {"ms": now_ms() - t0, "msg_type": reply["header"]["msg_type"], "reply": reply["content"]}


def wait_for_output(mid, text, timeout):
    """Reads iopub messages of mid until one shows `text` (a stream or display); returns those read."""
    seen = []
    deadline = time.time() + timeout
    while True:
        remaining = deadline - time.time()
        if remaining <= 0:
            raise TimeoutError("the cell never printed %r" % text)
        msg = kc.get_iopub_msg(timeout=remaining)
        if msg["parent_header"].get("msg_id") != mid or msg["header"]["msg_type"] == "status":
            continue
        seen.append(strip(msg))
        if text in json.dumps(msg["content"]):
            return seen


def cmd_interrupt_during(c):
    """Interrupts once the cell printed c["wait_for"] (an event), or after c["delay"] seconds for a cell
    that cannot print first (a busy loop holds its output back), then collects the outcome."""
    mid = kc.execute(c["code"])
    early = []
    if "wait_for" in c:
        early = wait_for_output(mid, c["wait_for"], c.get("timeout", 30))
    else:
        time.sleep(c.get("delay", 0.5))
    km.interrupt_kernel()
    reply = shell_reply(mid, c.get("timeout", 10))
    iopub = early + collect_iopub([mid], 10)[mid]
    return {"reply": reply["content"], "iopub": iopub}


def cmd_raw(c):
    """Sends a malformed or badly signed execute_request on shell; nothing should come back."""
    session = kc.session
    msg = session.msg("execute_request", {"code": c.get("code", "globalThis.__raw = 1"), "silent": False})
    frames = session.serialize(msg)
    delim = frames.index(b"<IDS|MSG>")
    if c["mode"] == "bad_signature":
        frames[delim + 1] = b"0" * 64
    elif c["mode"] == "bad_json":
        frames[delim + 2] = b"{not json"
        frames[delim + 1] = session.sign(frames[delim + 2:delim + 6])
    elif c["mode"] == "no_delimiter":
        frames = [f for f in frames if f != b"<IDS|MSG>"]
    kc.shell_channel.socket.send_multipart(frames)
    time.sleep(c.get("wait", 0.3))
    got = []
    while True:
        try:
            got.append(strip(kc.get_shell_msg(timeout=0.2)))
        except queue.Empty:
            return {"shell_replies": got}


def cmd_shutdown_request(c):
    t0 = now_ms()
    mid = kc.shutdown(restart=c.get("restart", False))
    reply = kc.get_control_msg(timeout=10)
    deadline = time.time() + 10
    while km.is_alive() and time.time() < deadline:
        time.sleep(0.01)
    return {"ms": now_ms() - t0, "msg_type": reply["header"]["msg_type"], "reply": reply["content"],
            "parent_matches": reply["parent_header"].get("msg_id") == mid, "alive": km.is_alive()}


def cmd_restart(c):
    t0 = now_ms()
    km.restart_kernel(now=c.get("now", False))
    kc.wait_for_ready(timeout=30)
    return {"ms": now_ms() - t0, "alive": km.is_alive()}


def cmd_shutdown(c):
    t0 = now_ms()
    kc.stop_channels()
    km.shutdown_kernel(now=c.get("now", False))
    return {"ms": now_ms() - t0, "alive": km.is_alive()}


def cmd_is_alive(c):
    return {"alive": km.is_alive()}


COMMANDS = {name[4:]: fn for name, fn in globals().items() if name.startswith("cmd_")}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        c = json.loads(line)
        try:
            answer = {"ok": True, **COMMANDS[c["op"]](c)}
        except Exception as e:  # report, keep serving
            answer = {"ok": False, "error": "%s: %s" % (type(e).__name__, e), "trace": traceback.format_exc()}
        sys.stdout.write(json.dumps(answer, default=str) + "\n")
        sys.stdout.flush()
    if km is not None and km.is_alive():
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
