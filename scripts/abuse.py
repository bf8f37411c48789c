#!/usr/bin/env python3
"""Attacks a running connwatch on loopback, as a hostile client would, and measures what it costs.

Usage: scripts/abuse.py PORT PID [attack...]   attacks: bomb stall trickle flood future (default: all)

Every attack is bounded in count and time and goes to 127.0.0.1 only. While it runs, GET /health
is timed every 50 ms; the report gives the attack, the answers the attackers got, the health
latency (max and p99), and the service's RSS before, at peak and after (from /proc/PID/status).
The attackers sign in with the token in CONNWATCH_TOKEN or data/admin-token: what is measured is
what a client with a valid token can cost (one without gets 401 before its body is read).
"""
import gzip, http.client, json, os, socket, sys, threading, time, zlib

PORT, PID = int(sys.argv[1]), int(sys.argv[2])
ATTACKS = sys.argv[3:] or ["bomb", "stall", "trickle", "flood", "future"]
TOKEN = os.environ.get("CONNWATCH_TOKEN") or open("data/admin-token").read().strip()
AUTH = {"Authorization": "Bearer " + TOKEN}


def rss_mb():
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def request(method, path, body=None, headers=None, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    try:
        c.request(method, path, body=body, headers={**AUTH, **(headers or {})})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


class Watch:
    """Times GET /health every 50 ms and samples RSS until stopped."""

    def __init__(self):
        self.lat, self.rss, self.failed, self.stop = [], [rss_mb()], 0, False
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while not self.stop:
            t0 = time.monotonic()
            try:
                status, _ = request("GET", "/health", timeout=5)
                if status != 200:
                    self.failed += 1
            except Exception:
                self.failed += 1
            self.lat.append((time.monotonic() - t0) * 1000)
            self.rss.append(rss_mb())
            time.sleep(0.05)

    def done(self):
        self.stop = True
        self.t.join()
        lat = sorted(self.lat) or [0]
        return {"health_checks": len(self.lat), "health_failed": self.failed, "health_max_ms": round(lat[-1], 1),
                "health_p99_ms": round(lat[int(len(lat) * 0.99) - 1 if len(lat) > 1 else 0], 1),
                "rss_before_mb": round(self.rss[0]), "rss_peak_mb": round(max(self.rss)), "rss_after_mb": round(rss_mb())}


def bomb_payload():
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    block, parts = b"\0" * (1 << 20), []
    for _ in range(4096):  # 4 GiB of zeros
        parts.append(z.compress(block))
    parts.append(z.flush())
    return b"".join(parts)


PREPARED = {"bomb": bomb_payload()} if "bomb" in ATTACKS else {}


def bomb():
    payload = PREPARED["bomb"]
    answers = []

    def one():
        try:
            answers.append(request("POST", "/ingest", payload, {"Content-Encoding": "gzip"}, timeout=120)[0])
        except Exception as e:
            answers.append(type(e).__name__)
    ts = [threading.Thread(target=one) for _ in range(8)]
    t0 = time.monotonic()
    [t.start() for t in ts]
    [t.join() for t in ts]
    return {"what": f"8 concurrent POSTs of a {len(payload) >> 20} MB gzip of 4 GiB of zeros", "answers": answers,
            "seconds": round(time.monotonic() - t0, 1)}


def stall():
    socks, answers = [], []
    for _ in range(100):
        s = socket.create_connection(("127.0.0.1", PORT))
        s.sendall(b"POST /ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + AUTH["Authorization"].encode() + b"\r\nContent-Length: 16777216\r\n\r\n")
        try:
            s.sendall(b" " * (16777216 - 100))  # all but 100 bytes, then stall
        except OSError:
            pass
        socks.append(s)
    t0 = time.monotonic()
    for s in socks:
        s.settimeout(90)
        try:
            line = s.recv(64).split(b"\r\n")[0].decode()
            answers.append(line.split(" ")[1] if line else "closed")
        except Exception as e:
            answers.append(type(e).__name__)
        s.close()
    counts = {a: answers.count(a) for a in set(answers)}
    return {"what": "100 connections each sending 16 MB - 100 B of body, then stalling", "answers": counts,
            "seconds_to_all_answered": round(time.monotonic() - t0, 1)}


def trickle():
    socks = []
    for _ in range(400):
        s = socket.create_connection(("127.0.0.1", PORT))
        s.sendall(b"POST /ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + AUTH["Authorization"].encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n")
        socks.append(s)
    t0, answers = time.monotonic(), []
    deadline = t0 + 90
    open_socks = list(socks)
    while open_socks and time.monotonic() < deadline:
        for s in list(open_socks):
            try:
                s.sendall(b"1\r\n \r\n")
            except OSError:
                open_socks.remove(s)
                answers.append("closed")
        time.sleep(5)
    for s in socks:
        s.close()
    return {"what": "400 chunked uploads trickling one byte every 5 s", "cut": len(answers), "still_open_after_90s": len(open_socks),
            "seconds": round(time.monotonic() - t0, 1)}


def flood():
    t0, sent = time.monotonic(), 0
    statuses = {}
    for batch in range(200):  # 1,000,000 rows, every Machine name new, over 5 event minutes
        lines = []
        for i in range(5000):
            n = batch * 5000 + i
            lines.append(json.dumps({"Type": "VMConnection", "TimeGenerated": "2024-05-01T10:0%d:00Z" % (n // 200000),
                                     "Computer": "flood-%d" % n, "Machine": "m-flood-%d" % n, "Process": "p-1", "ProcessName": "x",
                                     "SourceIp": "10.0.0.1", "DestinationIp": "198.51.100.%d" % (n % 250), "DestinationPort": 443,
                                     "Protocol": "tcp", "Direction": "outbound", "LinksEstablished": 1, "LinksTerminated": 0,
                                     "LinksFailed": 0, "LinksLive": 0}))
        status, _ = request("POST", "/ingest", "\n".join(lines).encode(), timeout=120)
        statuses[status] = statuses.get(status, 0) + 1
        sent += len(lines)
    seconds = time.monotonic() - t0
    stats = json.loads(request("GET", "/stats")[1])
    return {"what": "1,000,000 rows, each Machine new, over 5 event minutes", "answers": statuses,
            "rows_per_s": round(sent / seconds), "tracked_machines": stats["time"]["trackedMachines"],
            "evicted": stats["time"]["machinesEvicted"]}


def future():
    row = {"Type": "VMConnection", "TimeGenerated": "2099-01-01T00:00:00Z", "Computer": "c", "Machine": "m-future", "Process": "p",
           "ProcessName": "x", "SourceIp": "10.0.0.1", "DestinationIp": "198.51.100.1", "DestinationPort": 443, "Protocol": "tcp",
           "Direction": "outbound", "LinksEstablished": 1, "LinksTerminated": 0, "LinksFailed": 0, "LinksLive": 0}
    status, body = request("POST", "/ingest", json.dumps(row).encode())
    stats = json.loads(request("GET", "/stats")[1])
    return {"what": "one record from 2099", "answer": status, "reason": json.loads(body)["rejections"][0]["reason"],
            "watermark_after": stats["watermark"]}


for name in ATTACKS:
    w = Watch()
    result = globals()[name]()
    time.sleep(1)
    result.update(w.done())
    print(json.dumps({name: result}), flush=True)
