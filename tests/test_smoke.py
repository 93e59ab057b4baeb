def test_world_builds(world):
    assert world.cluster.memberships.count() == 4
