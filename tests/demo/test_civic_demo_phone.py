from demo import civic


def test_the_civic_demo_recorder_does_not_clash_with_other_demo_numbers():
    # Another branch's seed_demo gives 13800000005 to a demo resident.
    assert civic.RECORDER_PHONE == "+8613800000006"
