from argon2 import PasswordHasher

from bot.core.staff import accounts as staff


def test_production_hashing_is_argon2id_at_owasps_minimum_and_old_hashes_still_verify(cheap_password_hashing):
    production = PasswordHasher(**{"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1})
    hashed = production.hash("rätt häst batteri")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert staff._hasher_verify(hashed, "rätt häst batteri")  # the cheap test hasher verifies it: parameters are in the hash
    assert not staff._hasher_verify(hashed, "fel")
