from bot.core.residents.rate_limit import LIMITED, OK, QUIET, SlidingWindowLimiter


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_sender_is_answered_politely_then_quietly_over_the_limit():
    limiter = SlidingWindowLimiter(2, 60, Clock())
    assert [limiter.check("a") for _ in range(5)] == [OK, OK, LIMITED, LIMITED, QUIET]


def test_the_window_slides():
    clock = Clock()
    limiter = SlidingWindowLimiter(1, 60, clock)
    assert limiter.check("a") == OK and limiter.check("a") == LIMITED
    clock.now = 61
    assert limiter.check("a") == OK


def test_the_table_of_senders_stays_bounded():
    clock = Clock()
    limiter = SlidingWindowLimiter(3, 60, clock, max_keys=100)
    for i in range(1000):
        clock.now = i * 0.1
        limiter.check(("address", i))
    assert len(limiter) <= 100
    clock.now = 1000  # everyone has gone quiet: one new sender sweeps them all out
    limiter.check("new")
    assert len(limiter) == 1
