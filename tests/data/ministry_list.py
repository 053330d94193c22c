"""A made-up list of Chinese vocational schools, laid out like the lists the
Ministry of Education publishes: a title line, a province heading before each
province's schools, Chinese names only, the 10-digit school code (学校标识码),
the supervising authority, the city, the level (专科) and remarks. Made at
test time (a few thousand rows are too many to keep in the repository), with
the mess real spreadsheets have: codes stored as numbers, stray spaces, a
blank line, full-width brackets.
"""

import io

import openpyxl

TITLE = "全国高等职业学校名单（截至2026年6月）"
HEADERS = [
    "序号",
    "学校名称",
    "学校标识码",
    "主管部门",
    "省份",
    "所在地",
    "办学层次",
    "备注",
]
PROVINCES = [  # province, its code in the school code, cities
    ("北京市", "11", ["北京"]),
    ("天津市", "12", ["天津"]),
    ("河北省", "13", ["石家庄", "唐山", "保定", "邯郸"]),
    ("山西省", "14", ["太原", "大同"]),
    ("辽宁省", "21", ["沈阳", "大连", "鞍山"]),
    ("上海市", "31", ["上海"]),
    ("江苏省", "32", ["南京", "苏州", "无锡", "常州", "南通"]),
    ("浙江省", "33", ["杭州", "宁波", "温州", "金华"]),
    ("安徽省", "34", ["合肥", "芜湖"]),
    ("福建省", "35", ["福州", "厦门", "泉州"]),
    ("山东省", "37", ["济南", "青岛", "烟台", "潍坊", "淄博"]),
    ("河南省", "41", ["郑州", "洛阳", "开封"]),
    ("湖北省", "42", ["武汉", "宜昌", "襄阳"]),
    ("湖南省", "43", ["长沙", "株洲", "湘潭"]),
    ("广东省", "44", ["广州", "深圳", "佛山", "东莞", "珠海"]),
    ("海南省", "46", ["海口", "三亚"]),
    ("重庆市", "50", ["重庆"]),
    ("四川省", "51", ["成都", "绵阳", "宜宾"]),
    ("陕西省", "61", ["西安", "宝鸡"]),
]
SPECIALTIES = [
    "机电", "交通", "信息", "财经", "医学", "艺术", "旅游", "建筑", "农业", "商贸",
    "工业", "城市", "电力", "化工", "轻工", "水利", "铁路", "航空", "科技", "工程",
    "外语", "体育", "幼儿师范", "警官", "电子", "汽车", "海事", "卫生", "工艺美术",
]  # fmt: skip
TYPES = ["职业技术学院", "职业学院", "高等专科学校", "职业技术大学"]


def schools(count: int) -> list[dict]:
    """``count`` schools with unique names and codes, province by province."""
    made, number = [], 0
    for index in range(count):
        province, code, cities = PROVINCES[index % len(PROVINCES)]
        rank = index // len(PROVINCES)
        city = cities[rank % len(cities)]
        specialty = SPECIALTIES[(rank // len(cities)) % len(SPECIALTIES)]
        kind = TYPES[(rank // (len(cities) * len(SPECIALTIES))) % len(TYPES)]
        name = f"{city}{specialty}{kind}"
        serial = rank // (len(cities) * len(SPECIALTIES) * len(TYPES))
        if serial:
            name = f"{city}第{serial + 1}{specialty}{kind}"
        number += 1
        made.append(
            {
                "name": name,
                "code": f"4{code}{index:07d}"[:10],
                "province": province,
                "city": city,
                "level": "本科" if kind == "职业技术大学" else "专科",
                "authority": f"{province}教育厅",
                "remarks": "民办" if index % 7 == 0 else "",
            }
        )
    return sorted(made, key=lambda school: school["code"])


def ministry_list_xlsx(count: int = 3000) -> tuple[bytes, list[dict]]:
    """The workbook's bytes and the schools in it."""
    made = schools(count)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append(HEADERS)
    province = None
    for number, school in enumerate(made, 1):
        if school["province"] != province:
            province = school["province"]
            in_province = sum(1 for s in made if s["province"] == province)
            sheet.append([f"{province}（{in_province}所）"])
        name, code = school["name"], school["code"]
        if number % 97 == 0:
            name = f"  {name} "  # stray spaces
        # Most codes were typed as numbers, some as text.
        code_cell = int(code) if number % 5 else code
        sheet.append(
            [
                number,
                name,
                code_cell,
                school["authority"],
                school["province"],
                school["city"],
                school["level"],
                school["remarks"] or None,
            ]
        )
        if number == 1000:
            sheet.append([])  # a blank line in the middle
    output = io.BytesIO()
    book.save(output)
    return output.getvalue(), made
