"""交通违法 records from the traffic police's feed (CSV, one row per violation):

    record_no,plate,plate_type,vin,occurred_at,place,act,code,fine,points,handled,authority
    3702822611240001,鲁B7K2M9,小型汽车,LSVAM4181P2106358,2026-11-24 08:12,烟青路与鹤山路交叉口,…,1625,200,6,否,…

The plate and the VIN are checked (the VIN with its check digit) and then kept only inside the
keyed hash the page looks a vehicle up by (plate + the VIN's last six), and the plate in masked
form for display. A record is updated in place by its record number (when it is handled, say);
records missing from a batch stay (not a snapshot).
"""

import re

from convenience.importers.base import (
    Importer,
    RowRejected,
    a_datetime,
    boolean,
    integer,
    not_after,
    text,
)
from convenience.models.feeds import FeedKey
from convenience.models.traffic import TrafficViolation
from convenience.personal import (
    identifier_hash,
    mask_plate,
    normalise_plate,
    normalise_vin,
    plate_error,
    vehicle_key,
    vin_error,
)

RECORD_NO = re.compile(r"^[0-9A-Z][-0-9A-Z]{3,31}$")
CODE = re.compile(r"^\d{4,5}$")
MAX_FINE = 100_000
MAX_POINTS = 12


class TrafficImporter(Importer):
    key = FeedKey.TRAFFIC
    format = "csv"
    columns = (
        "record_no",
        "plate",
        "plate_type",
        "vin",
        "occurred_at",
        "place",
        "act",
        "code",
        "fine",
        "points",
        "handled",
        "authority",
    )
    datetime_fields = ("occurred_at",)
    snapshot = False

    def clean(self, row):
        data = row.data
        record_no = text(data, "record_no", "违法记录编号", 32).upper()
        if not RECORD_NO.match(record_no):
            raise RowRejected("违法记录编号只能包含数字、字母和连字符（4 至 32 位）。")
        plate = normalise_plate(data.get("plate"))
        if error := plate_error(plate):
            raise RowRejected(f"号牌号码格式不正确：{error}")
        vin = normalise_vin(data.get("vin"))
        if not vin:
            raise RowRejected("缺少车辆识别代号。")
        if error := vin_error(vin):
            raise RowRejected(error)
        code = text(data, "code", "违法代码", 10, required=False)
        if code and not CODE.match(code):
            raise RowRejected("违法代码应为 4 至 5 位数字。")
        occurred_at = not_after(a_datetime(data, "occurred_at", "违法时间"), "违法时间")
        return {
            "record_no": record_no,
            "lookup_hash": identifier_hash(FeedKey.TRAFFIC, vehicle_key(plate, vin[-6:])),
            "plate_masked": mask_plate(plate),
            "plate_type": text(data, "plate_type", "号牌种类", 20, required=False) or "小型汽车",
            "occurred_at": occurred_at,
            "place": text(data, "place", "违法地点", 120),
            "act": text(data, "act", "违法行为", 200),
            "code": code,
            "fine": integer(data, "fine", "罚款金额", minimum=0, maximum=MAX_FINE),
            "points": integer(data, "points", "记分", minimum=0, maximum=MAX_POINTS),
            "handled": boolean(data, "handled", "是否已处理"),
            "authority": text(data, "authority", "采集机关", 100, required=False),
        }

    def natural_key(self, cleaned):
        return cleaned["record_no"]

    def apply(self, accepted, complete):
        """Upserted by record number, 500 to a statement (a bulk update of thousands of changed
        records, when a batch marks them handled, takes SQLite many seconds)."""
        TrafficViolation.objects.bulk_create(
            [TrafficViolation(**record) for record in accepted],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["record_no"],
            update_fields=[name for name in accepted[0] if name != "record_no"],
        )
