"""Name pools for generated people: Japanese names with katakana readings and romanisation, and a few
names from abroad (staff and partner-company engineers) with their katakana readings."""

from __future__ import annotations

import random
from dataclasses import dataclass

# (kanji, reading, romaji)
FAMILY_NAMES: list[tuple[str, str, str]] = [
    ("佐藤", "サトウ", "sato"),
    ("鈴木", "スズキ", "suzuki"),
    ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"),
    ("伊藤", "イトウ", "ito"),
    ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"),
    ("中村", "ナカムラ", "nakamura"),
    ("小林", "コバヤシ", "kobayashi"),
    ("加藤", "カトウ", "kato"),
    ("吉田", "ヨシダ", "yoshida"),
    ("山田", "ヤマダ", "yamada"),
    ("佐々木", "ササキ", "sasaki"),
    ("山口", "ヤマグチ", "yamaguchi"),
    ("松本", "マツモト", "matsumoto"),
    ("井上", "イノウエ", "inoue"),
    ("木村", "キムラ", "kimura"),
    ("林", "ハヤシ", "hayashi"),
    ("斎藤", "サイトウ", "saito"),
    ("清水", "シミズ", "shimizu"),
    ("山崎", "ヤマザキ", "yamazaki"),
    ("森", "モリ", "mori"),
    ("池田", "イケダ", "ikeda"),
    ("橋本", "ハシモト", "hashimoto"),
    ("阿部", "アベ", "abe"),
    ("石川", "イシカワ", "ishikawa"),
    ("前田", "マエダ", "maeda"),
    ("藤田", "フジタ", "fujita"),
    ("小川", "オガワ", "ogawa"),
    ("岡田", "オカダ", "okada"),
    ("長谷川", "ハセガワ", "hasegawa"),
    ("村上", "ムラカミ", "murakami"),
    ("近藤", "コンドウ", "kondo"),
    ("石井", "イシイ", "ishii"),
    ("坂本", "サカモト", "sakamoto"),
    ("遠藤", "エンドウ", "endo"),
    ("青木", "アオキ", "aoki"),
    ("藤井", "フジイ", "fujii"),
    ("西村", "ニシムラ", "nishimura"),
    ("福田", "フクダ", "fukuda"),
    ("太田", "オオタ", "ota"),
    ("三浦", "ミウラ", "miura"),
    ("岡本", "オカモト", "okamoto"),
    ("松田", "マツダ", "matsuda"),
    ("中川", "ナカガワ", "nakagawa"),
    ("原田", "ハラダ", "harada"),
    ("小野", "オノ", "ono"),
    ("竹内", "タケウチ", "takeuchi"),
    ("金子", "カネコ", "kaneko"),
    ("和田", "ワダ", "wada"),
    ("中島", "ナカジマ", "nakajima"),
    ("上田", "ウエダ", "ueda"),
    ("森田", "モリタ", "morita"),
    ("野口", "ノグチ", "noguchi"),
    ("黒田", "クロダ", "kuroda"),
    ("小野寺", "オノデラ", "onodera"),
]

GIVEN_NAMES: list[tuple[str, str, str]] = [
    ("誠", "マコト", "makoto"),
    ("健", "ケン", "ken"),
    ("翔太", "ショウタ", "shota"),
    ("大輔", "ダイスケ", "daisuke"),
    ("拓也", "タクヤ", "takuya"),
    ("直樹", "ナオキ", "naoki"),
    ("浩一", "コウイチ", "koichi"),
    ("陽介", "ヨウスケ", "yosuke"),
    ("健太", "ケンタ", "kenta"),
    ("亮", "リョウ", "ryo"),
    ("悠斗", "ユウト", "yuto"),
    ("蓮", "レン", "ren"),
    ("隆", "タカシ", "takashi"),
    ("和也", "カズヤ", "kazuya"),
    ("雄一", "ユウイチ", "yuichi"),
    ("聡", "サトシ", "satoshi"),
    ("剛", "ツヨシ", "tsuyoshi"),
    ("学", "マナブ", "manabu"),
    ("修", "オサム", "osamu"),
    ("秀樹", "ヒデキ", "hideki"),
    ("達也", "タツヤ", "tatsuya"),
    ("美咲", "ミサキ", "misaki"),
    ("綾", "アヤ", "aya"),
    ("陽子", "ヨウコ", "yoko"),
    ("恵", "メグミ", "megumi"),
    ("由美", "ユミ", "yumi"),
    ("真由美", "マユミ", "mayumi"),
    ("葵", "アオイ", "aoi"),
    ("結衣", "ユイ", "yui"),
    ("さくら", "サクラ", "sakura"),
    ("舞", "マイ", "mai"),
    ("奈々", "ナナ", "nana"),
    ("智子", "トモコ", "tomoko"),
    ("千尋", "チヒロ", "chihiro"),
    ("優子", "ユウコ", "yuko"),
    ("香織", "カオリ", "kaori"),
    ("久美子", "クミコ", "kumiko"),
    ("彩花", "アヤカ", "ayaka"),
    ("真司", "シンジ", "shinji"),
]

# (family, given, family reading, given reading)
FOREIGN_NAMES: list[tuple[str, str, str, str]] = [
    ("Smith", "Emily", "スミス", "エミリー"),
    ("Brown", "James", "ブラウン", "ジェームズ"),
    ("Miller", "Sarah", "ミラー", "サラ"),
    ("Wilson", "Olivia", "ウィルソン", "オリビア"),
    ("Garcia", "Lucas", "ガルシア", "ルーカス"),
    ("Nguyen", "Minh", "グエン", "ミン"),
    ("Tran", "Lan", "チャン", "ラン"),
    ("Pham", "Duc", "ファム", "ドゥック"),
    ("Sharma", "Priya", "シャルマ", "プリヤ"),
    ("Kumar", "Rahul", "クマール", "ラフル"),
    ("Chen", "Wei", "チェン", "ウェイ"),
    ("Wang", "Fang", "ワン", "ファン"),
    ("Park", "Jiwoo", "パク", "ジウ"),
    ("Kim", "Minjun", "キム", "ミンジュン"),
]


@dataclass(frozen=True, slots=True)
class Name:
    family: str
    given: str
    family_kana: str
    given_kana: str
    romaji: str  # "given.family", for e-mail addresses

    @property
    def display(self) -> str:
        return f"{self.family} {self.given}"


def japanese(family: tuple[str, str, str], given: tuple[str, str, str]) -> Name:
    return Name(family[0], given[0], family[1], given[1], f"{given[2]}.{family[2]}")


def foreign(entry: tuple[str, str, str, str]) -> Name:
    family, given, family_kana, given_kana = entry
    return Name(family, given, family_kana, given_kana, f"{given}.{family}".lower())


def find(display: str) -> Name:
    """A pooled name from "family given", e.g. "高橋 誠" or "Smith Emily"."""
    family, given = display.split(" ", 1)
    for entry in FOREIGN_NAMES:
        if entry[0] == family and entry[1] == given:
            return foreign(entry)
    fam = next(f for f in FAMILY_NAMES if f[0] == family)
    giv = next(g for g in GIVEN_NAMES if g[0] == given)
    return japanese(fam, giv)


def random_name(rng: random.Random, *, foreign_share: float = 0.0) -> Name:
    if rng.random() < foreign_share:
        return foreign(rng.choice(FOREIGN_NAMES))
    return japanese(rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES))
