#!/usr/bin/env python3
"""Generates an Asterisk queue_log of several days, and the truth behind it.

usage: gen_queue_log.py --days 5 --calls-per-day 400 --seed 7 --out DIR

Writes into DIR:
  queue_log       the log, lines "epoch|callid|queue|agent|event|data..." in
                  time order, as Asterisk's app_queue writes them
  truth.csv       one row per call per queue: callid, queue, customer,
                  offered, answered, ended (epochs; empty when none),
                  outcome, agent, talk, transferred
  presence.csv    per UTC day and agent: logged-in seconds, paused seconds
  cdr.csv         one CDR row per call: calldate, clid, src, dst, duration,
                  billsec, disposition, uniqueid, linkedid

The truth is what the generator decided, not a re-reading of the log: offered
is when the caller entered the queue as Asterisk measured it (CONNECT or end
time minus the logged holdtime/waittime), which may be a second after the
ENTERQUEUE line, as on a real server.  Days are UTC; calls fall between 08:00
and 17:30, shifts between 07:30 and 18:30, so nothing crosses midnight.
"""
import argparse
import csv
import os
import random
import datetime as dt

p = argparse.ArgumentParser()
p.add_argument("--days", type=int, default=5)
p.add_argument("--calls-per-day", type=int, default=400)
p.add_argument("--seed", type=int, default=7)
p.add_argument("--start", default="2026-03-02")
p.add_argument("--out", required=True)
p.add_argument("--duplicates", type=float, default=0.01, help="share of lines written twice")
a = p.parse_args()

rnd = random.Random(a.seed)
os.makedirs(a.out, exist_ok=True)
QUEUES = ["sales", "support", "billing"]
AGENTS = [f"Agent {i:02d}" for i in range(1, 11)]
# each agent serves two queues
SKILLS = {ag: [QUEUES[i % 3], QUEUES[(i + 1) % 3]] for i, ag in enumerate(AGENTS)}
CUSTOMERS = [f"+3361{rnd.randrange(10**7):07d}" for _ in range(300)]

lines = []  # (time, order, text)
order = 0


def emit(t, callid, queue, agent, event, *data):
    global order
    order += 1
    lines.append((t, order, "|".join([str(t), callid, queue, agent, event] + [str(d) for d in data])))


truth = []
presence = []
cdr = []
start = dt.datetime.fromisoformat(a.start).replace(tzinfo=dt.timezone.utc)
seq = 0
for d in range(a.days):
    day0 = int((start + dt.timedelta(days=d)).timestamp())
    day = (start + dt.timedelta(days=d)).date().isoformat()
    # shifts
    for ag in AGENTS:
        if rnd.random() < 0.1:
            continue  # day off
        login = day0 + 7 * 3600 + 1800 + rnd.randrange(3600)
        logout = day0 + 17 * 3600 + 1800 + rnd.randrange(3600)
        lunch = day0 + 12 * 3600 + rnd.randrange(3600)
        lunch_len = 1800 + rnd.randrange(1800)
        for q in SKILLS[ag]:
            emit(login, "MANAGER", q, ag, "ADDMEMBER", "")
        if rnd.random() < 0.5:
            emit(lunch, "NONE", "NONE", ag, "PAUSEALL", "")
            for q in SKILLS[ag]:
                emit(lunch, "NONE", q, ag, "PAUSE", "lunch")
            emit(lunch + lunch_len, "NONE", "NONE", ag, "UNPAUSEALL", "")
            for q in SKILLS[ag]:
                emit(lunch + lunch_len, "NONE", q, ag, "UNPAUSE", "")
        else:
            for q in SKILLS[ag]:
                emit(lunch, "NONE", q, ag, "PAUSE", "lunch")
            for q in SKILLS[ag]:
                emit(lunch + lunch_len, "NONE", q, ag, "UNPAUSE", "")
        for q in SKILLS[ag]:
            emit(logout, "MANAGER", q, ag, "REMOVEMEMBER", "")
        presence.append((day, ag, logout - login, lunch_len))
    # calls
    for _ in range(a.calls_per_day):
        seq += 1
        enter = day0 + 8 * 3600 + rnd.randrange(int(9.5 * 3600))
        callid = f"{enter}.{seq}"
        queue = rnd.choice(QUEUES)
        cust = "anonymous" if rnd.random() < 0.05 else rnd.choice(CUSTOMERS)
        jitter = 1 if rnd.random() < 0.3 else 0  # ENTERQUEUE logged a second early
        r = rnd.random()
        emit(enter, callid, queue, "NONE", "DID", "0140000000")
        emit(enter, callid, queue, "NONE", "ENTERQUEUE", "", cust, 1 + rnd.randrange(5))
        customer = "" if cust == "anonymous" else cust
        if r < 0.75:
            wait = min(600, int(rnd.expovariate(1 / 25)))
            agent = rnd.choice([ag for ag in AGENTS if queue in SKILLS[ag]])
            connect = enter + jitter + wait
            if wait > 16 and rnd.random() < 0.5:
                other = rnd.choice(AGENTS)
                emit(enter + jitter + 15, callid, queue, other, "RINGNOANSWER", 15000)
            emit(connect, callid, queue, agent, "CONNECT", wait, f"{connect}.{seq}9", min(wait, 5))
            talk = 30 + rnd.randrange(870)
            end = connect + talk
            x = rnd.random()
            transferred = x < 0.1
            if x < 0.04:
                emit(end, callid, queue, agent, "TRANSFER", "300", "from-internal", wait, talk, 1)
            elif x < 0.07:
                emit(end, callid, queue, agent, "ATTENDEDTRANSFER", "BRIDGE", f"b{seq}", wait, talk, 1)
            elif x < 0.1:
                emit(end, callid, queue, agent, "BLINDTRANSFER", "301", "from-internal", wait, talk, 1)
            elif x < 0.55:
                emit(end, callid, queue, agent, "COMPLETEAGENT", wait, talk, 1)
            else:
                emit(end, callid, queue, agent, "COMPLETECALLER", wait, talk, 1)
            truth.append((callid, queue, customer, connect - wait, connect, end, "answered", agent, talk,
                          "t" if transferred else "f"))
            cdr.append((enter, cust, end - enter, talk, "ANSWERED", callid))
        else:
            if r < 0.90:
                ev, outcome, wait = "ABANDON", "abandoned", rnd.randrange(120)
            elif r < 0.94:
                ev, outcome, wait = "EXITWITHTIMEOUT", "timeout", 300
            elif r < 0.97:
                ev, outcome, wait = "EXITWITHKEY", "exit_key", 1 + rnd.randrange(60)
            else:
                ev, outcome, wait = "EXITEMPTY", "exit_empty", 1 + rnd.randrange(30)
            end = enter + jitter + wait
            if ev == "EXITWITHKEY":
                emit(end, callid, queue, "NONE", ev, rnd.randrange(10), 1, 1, wait)
            else:
                emit(end, callid, queue, "NONE", ev, 1, 1, wait)
            truth.append((callid, queue, customer, end - wait, "", end, outcome, "", "", "f"))
            cdr.append((enter, cust, end - enter, 0, "NO ANSWER", callid))

lines.sort()
with open(os.path.join(a.out, "queue_log"), "w") as f:
    for t, o, text in lines:
        f.write(text + "\n")
        if rnd.random() < a.duplicates and "|ENTERQUEUE|" in text:
            f.write(text + "\n")  # Asterisk writing a line twice
with open(os.path.join(a.out, "truth.csv"), "w", newline="") as f:
    csv.writer(f).writerows(truth)
with open(os.path.join(a.out, "presence.csv"), "w", newline="") as f:
    csv.writer(f).writerows(presence)
with open(os.path.join(a.out, "cdr.csv"), "w", newline="") as f:
    w = csv.writer(f)
    for enter, cust, duration, billsec, disp, callid in cdr:
        when = dt.datetime.fromtimestamp(enter, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        src = "" if cust == "anonymous" else cust
        w.writerow((when, f'"{cust}" <{src}>', src, "5000", duration, billsec, disp, callid, callid))
