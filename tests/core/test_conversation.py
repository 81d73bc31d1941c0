from bot.core.answering.conversation import ConversationMemory
from bot.core.matching.matcher import Context


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_remembers_for_a_while_then_forgets():
    clock = Clock()
    memory = ConversationMemory(ttl=60, clock=clock)
    memory.remember("telegram:k", Context("bank-impersonation", ("bankid-misuse",)))
    clock.now = 59
    assert memory.get("telegram:k").topic == "bank-impersonation"
    clock.now = 61
    assert memory.get("telegram:k") is None
    assert len(memory) == 0


def test_forget_and_no_key():
    memory = ConversationMemory()
    memory.remember("web:a", Context("romance-scam"))
    memory.forget("web:a")
    assert memory.get("web:a") is None
    memory.remember(None, Context("romance-scam"))
    assert memory.get(None) is None and len(memory) == 0


def test_capacity_drops_the_least_recently_used():
    memory = ConversationMemory(capacity=2)
    memory.remember("a", Context("x"))
    memory.remember("b", Context("y"))
    memory.get("a")
    memory.remember("a", Context("x"))  # a is used again
    memory.remember("c", Context("z"))
    assert memory.get("b") is None and memory.get("a") and memory.get("c")
