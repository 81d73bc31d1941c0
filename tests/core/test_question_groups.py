from bot.core.reporting.question_groups import group_similar


def test_similar_questions_group_together_largest_first():
    questions = [
        {"id": 1, "text": "vad kostar parkering i kramfors"},
        {"id": 2, "text": "hur byter jag lösenord på min router"},
        {"id": 3, "text": "Hur byter jag lösenordet på routern?"},
        {"id": 4, "text": "hur byter jag lösenord på routern hemma"},
        {"id": 5, "text": "när går bussen till sollefteå"},
    ]
    groups = group_similar(questions)
    assert [g.ids for g in groups] == [[2, 3, 4], [1], [5]]
    assert groups[0].example["id"] == 2


def test_empty_texts_do_not_swallow_others():
    groups = group_similar([{"id": 1, "text": ""}, {"id": 2, "text": "router"}, {"id": 3, "text": None}])
    assert len(groups) == 3
