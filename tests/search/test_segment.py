"""Chinese word segmentation: the same words at index and query time, the custom dictionary of
government terms from the database, pinyin and synonyms."""

import pytest
from django.conf import settings

from search import segment
from search.models import Synonym
from tests.factories.services import add_item

pytestmark = pytest.mark.django_db


def test_a_word_inside_a_longer_run_of_han_characters_is_a_term():
    words = segment.terms("住房公积金提取业务")
    assert {"住房", "公积金", "提取", "业务"} <= set(words)


def test_the_longer_dictionary_word_and_the_words_inside_it_are_both_terms():
    Synonym.objects.create(words="公积金 住房公积金")
    words = segment.terms("住房公积金提取业务")
    assert "住房公积金" in words and "公积金" in words and "住房" in words


def test_unit_names_from_the_database_are_whole_words(group):
    import jieba

    # jieba alone cuts the town's name in two; the dictionary from the Organisation table keeps it.
    assert "蓝村镇" not in jieba.lcut("蓝村镇完成冬季取暖设施排查")
    assert "蓝村镇" in segment.terms("蓝村镇完成冬季取暖设施排查")
    assert {"即墨市蓝村镇人民政府", "蓝村镇", "教育局"} <= segment.load_dictionary().words


def test_live_service_item_titles_join_the_dictionary():
    add_item(title="灵活就业人员社保缴费登记")
    dictionary = segment.load_dictionary()
    assert "灵活就业人员社保缴费登记" in dictionary.words
    assert "灵活就业人员社保缴费登记" in segment.terms("请办理灵活就业人员社保缴费登记手续")


def test_pinyin_of_dictionary_words_is_indexed_and_maps_back_to_chinese():
    Synonym.objects.create(words="公积金 住房公积金")
    assert "gongjijin" in segment.terms("住房公积金提取业务")
    assert ("公积金",) in segment.query_groups("gongjijin")[0]
    assert "公积金" in segment.query_terms("GongJiJin")
    # Typed with spaces, syllable by syllable.
    assert "公积金" in segment.query_terms("gong ji jin")


def test_synonym_groups_expand_queries_and_disabled_groups_do_not():
    Synonym.objects.create(words="社保，社会保险 社会保障")
    Synonym.objects.create(words="医保 医疗保险", enabled=False)
    assert {"社保", "社会保险", "社会保障"} <= set(segment.query_terms("社保"))
    assert segment.query_terms("医保") == ["医保"]


def test_the_dictionary_reloads_when_a_synonym_changes():
    assert "新区" not in segment.query_terms("蓝谷")
    synonym = Synonym.objects.create(words="蓝谷 新区")
    assert "新区" in segment.query_terms("蓝谷")
    synonym.enabled = False
    synonym.save()
    assert "新区" not in segment.query_terms("蓝谷")


def test_another_process_changing_the_dictionary_is_noticed_through_the_cache():
    segment.load_dictionary()
    Synonym.objects.bulk_create([Synonym(words="车管所 车辆管理所")])  # no signals, like another process
    assert "车辆管理所" not in segment.query_terms("车管所")
    segment.cache.set(segment.VERSION_CACHE_KEY, "changed-elsewhere", timeout=None)
    assert "车辆管理所" in segment.query_terms("车管所")


def test_punctuation_emoji_and_case_are_dropped_full_width_is_folded():
    assert segment.terms("“社保”！！😀 (NEAR) *") == ["社保", "near"]
    assert segment.terms("ＡＢＣ１２３") == ["abc123"]
    assert segment.terms("……！？") == [] and segment.terms("") == [] and segment.terms(None) == []


def test_query_words_drop_stop_words_unless_nothing_else_is_left():
    assert segment.query_words("怎么办理身份证") == ["办理", "身份证"]
    assert segment.query_words("的") == ["的"]


def test_long_queries_are_cut():
    assert len(segment.query_words("公积金提取办理流程" * 300)) <= segment.MAX_QUERY_WORDS
    assert len(segment.query_words("a b c d e f g h i j k l m n o p q r s t")) == segment.MAX_QUERY_WORDS


def test_jieba_is_loaded_once_with_its_cache_in_var_dir():
    first = segment._tokenizer()
    assert segment._tokenizer() is first
    assert first.tmp_dir == str(settings.VAR_DIR)


def test_index_and_query_agree_on_every_query_word():
    text = "即墨市教育局关于2027年小学一年级新生入学登记工作的通知"
    indexed = set(segment.terms(text))
    for query in ("教育局", "入学登记", "新生入学", "2027年", "小学一年级", "登记工作"):
        for group in segment.query_groups(query):
            assert any(set(alternative) <= indexed for alternative in group), (query, group)


def test_a_number_and_the_character_after_it_are_one_word():
    assert "12路" in segment.terms("乘坐12路公交车") and "12" in segment.terms("乘坐12路公交车")
    assert "2026年" in segment.terms("2026年度部门预算")
    assert segment.query_words("12路公交") == ["12路", "公交"]
    assert segment.query_words("2026年度") == ["2026", "年度"]
