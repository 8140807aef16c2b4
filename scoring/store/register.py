"""The rectification register's rows (整改事项台账): issuing a period's items as findings order them, reading
them, and recording each change of owner or status in the item's history. Part of Store (database.py), kept
in a module of its own."""

from __future__ import annotations

import operator
from typing import Any, Iterable

from scoring.store.stamps import now


class RectificationRegister:
    """Store's methods on the rectifications and rectification_history tables (needs its conn, db, query, user)."""

    def rectification_statuses(self, ids: list[str]) -> dict[str, str]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return {r["id"]: r["status"] for r in self.query(
            f"select id, status from rectifications where id in ({marks})", ids)}

    _ISSUED = ("unit", "period", "finding", "rule", "indicator", "title", "note", "deadline", "standard_hash",
               "standard_version")

    def issue_rectifications(self, period: str, units: list[str], wanted: list[dict[str, Any]]) -> dict[str, int]:
        """Make the register of these units' items of a period what their findings order now.

        New items are created open; an issued item is never changed (its deadline stands whatever
        the standard says later) except that one no longer ordered is withdrawn, and a withdrawn
        one ordered again is open again. Each change goes into the item's history. Each wanted item names
        its id and every column of _ISSUED (scoring.engine.orders makes them).
        """
        stamp, user = now(), self.user
        counts = {"issued": 0, "withdrawn": 0, "restored": 0}
        known: dict[str, str] = {}
        for i in range(0, len(units), 500):
            chunk = units[i:i + 500]
            known.update(self.conn.execute(
                f"select id, status from rectifications where period = ? and unit in ({','.join('?' * len(chunk))})",
                [period, *chunk]).fetchall())
        wanted_ids = {item["id"] for item in wanted}
        fresh = [item for item in wanted if item["id"] not in known]
        # An item of another period with the same id (a finding moved between periods) is left alone.
        # Looked up 500 at a time: one query an item was about a third of issuing 60,000 items on import.
        elsewhere: set[str] = set()
        for i in range(0, len(fresh), 500):
            ids = [item["id"] for item in fresh[i:i + 500]]
            elsewhere.update(ident for (ident,) in self.conn.execute(
                f"select id from rectifications where id in ({','.join('?' * len(ids))})", ids))
        fresh = [item for item in fresh if item["id"] not in elsewhere]
        issued = operator.itemgetter("id", *self._ISSUED)  # every wanted item carries every column
        self.conn.executemany(
            f"insert into rectifications (id, {', '.join(self._ISSUED)}, status, created_at, updated_at) "
            f"values (?, {', '.join('?' * len(self._ISSUED))}, 'open', ?, ?)",
            [issued(item) + (stamp, stamp) for item in fresh])
        history = [(item["id"], stamp, user, "open", "") for item in fresh]
        gone = [ident for ident, status in known.items() if ident not in wanted_ids and status != "withdrawn"]
        back = [ident for ident, status in known.items() if ident in wanted_ids and status == "withdrawn"]
        self.conn.executemany("update rectifications set status = 'withdrawn', updated_at = ? where id = ?",
                              [(stamp, ident) for ident in gone])
        self.conn.executemany("update rectifications set status = 'open', rectified_on = null, updated_at = ? "
                              "where id = ?", [(stamp, ident) for ident in back])
        history += [(ident, stamp, user, "withdrawn", "问题记录已撤回或不再要求整改") for ident in gone]
        history += [(ident, stamp, user, "open", "问题记录已恢复") for ident in back]
        self.conn.executemany("insert into rectification_history (item, at, user, status, note, evidence) "
                              "values (?, ?, ?, ?, ?, '')", history)
        counts.update(issued=len(fresh), withdrawn=len(gone), restored=len(back))
        return counts

    def rectifications(self, where: str = "1", params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        return self.query(f"select * from rectifications where {where} order by unit, deadline, id", list(params))

    def rectification_history(self, item: str) -> list[dict[str, Any]]:
        return self.query("select * from rectification_history where item = ? order by id", [item])

    def set_rectification_owner(self, item: str, owner: str) -> None:
        self.db["rectifications"].update(item, {"owner": owner, "updated_at": now()})

    def set_rectification_status(self, item: str, status: str, note: str, evidence: str, at: str | None = None) -> None:
        stamp = at or now()
        changes = {"status": status, "updated_at": stamp}
        if status == "rectified":  # the day it was done: after the deadline it stays on record as late
            changes["rectified_on"] = stamp[:10]
        elif status == "reopened":
            changes["rectified_on"] = None
        self.db["rectifications"].update(item, changes)
        self.db["rectification_history"].insert({"item": item, "at": stamp, "user": self.user,
                                                  "status": status, "note": note, "evidence": evidence})
