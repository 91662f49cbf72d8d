"""test-names on a table of real-world-style tests: old name, body, exact new name, run through the real engine."""
import pytest
import re
from typing import Any, List

from stylefix.codemods.test_names.grammar import name_words
from stylefix.codemods.test_names.meaning import meaning_problems, source_vocabulary
from tests.cases import Case, case_id, run_case

CODEMOD = "test-names"


def renames(
    old: str, body: str, expected: str, prelude: str = "", header: str = "def {name}():", **fields: Any
) -> Case:
    """A test called `old` (opened by `header`, below the module-level `prelude`) whose new name is `expected`."""
    before = prelude + header.format(name=old) + "\n" + body
    after = prelude + header.format(name=expected) + "\n" + body
    def_line = next(number for number, line in enumerate(before.splitlines(), 1) if f"def {old}(" in line)
    changes = () if expected == old else ((def_line, f"{old} -> {expected}"),)
    return Case(old, before, after, path="tests/test_module.py", changes=changes, **fields)


ACT = "    # Run our test\n"

# The guide's own tests (seeds 001/002, Testing Approach), written the way they would look before the convention.
GUIDE_CASES: List[Case] = [
    renames(
        "test_cmd_cluster_create",
        "    # Set up our mock\n"
        "    mock_client = mock.Mock()\n"
        "    mock_cdk_client_cls.return_value = mock_client\n"
        "\n" + ACT + '    cmd_cluster_create("profile", "region", "my-cluster")\n'
        "\n"
        "    # Check our results\n"
        "    assert expected_calls == mock_client.deploy.call_args_list\n",
        "test_WHEN_cmd_cluster_create_called_THEN_as_expected",
    ),
    renames(
        "test_deploy_not_bootstrapped_executes_command",
        "    mock_call_shell.side_effect = [(1, [exceptions.NOT_BOOTSTRAPPED_1]), (0, ['ok'])]\n"
        + ACT
        + '    client.deploy(["MyStack"])\n'
        "    assert expected_calls == mock_call_shell.call_args_list\n",
        "test_WHEN_deploy_called_AND_not_bootstrapped_THEN_executes_command",
    ),
    renames(
        "test_should_proceed_with_operation_abort_usage",
        "    cluster_plan = ClusterPlan(None, None)\n"
        "    actual_value = _should_proceed_with_operation(True, cluster_plan, cluster_plan, False)\n"
        "    assert False == actual_value\n",
        "test_WHEN_should_proceed_with_operation_called_AND_abort_usage_THEN_as_expected",
    ),
    renames(
        "test_get_next_user_config_partial_update",
        '    mock_ssm_ops.get_ssm_param_json_value.return_value = {"spiDays": 40}\n'
        "    actual_value = get_next_user_config(\"cluster-name\", None, 30, None, None, mock_provider)\n"
        "    assert expected_value == actual_value\n",
        "test_WHEN_get_next_user_config_called_AND_partial_update_THEN_as_expected",
    ),
    renames(
        "test_get_next_vni_when_next_available_returns_it",
        "    actual = provider.get_next_vni()\n    assert 42 == actual\n",
        "test_WHEN_get_next_vni_called_AND_next_available_THEN_returns_it",
    ),
    renames(
        "test_next_vni_pool_exhausted",
        "    with pytest.raises(vni.VniPoolExhausted):\n        provider.get_next_vni()\n",
        "test_WHEN_get_next_vni_called_AND_pool_exhausted_THEN_raises_vni_pool_exhausted",
    ),
    renames(
        "test_get_next_vni_next_not_available_handles_gracefully",
        "    actual = provider.get_next_vni()\n    assert 43 == actual\n",
        "test_WHEN_get_next_vni_called_AND_next_not_available_THEN_handles_gracefully",
    ),
    renames(
        "test_cmd_cluster_destroy_dont_destroy_everything",
        '    cmd_cluster_destroy("profile", "region", TEST_CLUSTER, False, True)\n'
        "\n"
        "    # Check our results\n"
        "    mock_destroy_bucket.assert_not_called()\n",
        "test_WHEN_cmd_cluster_destroy_called_AND_dont_destroy_everything_THEN_as_expected",
    ),
    renames(
        "test_call_shell_command_process_spawned",
        "    mock_pexpect.spawn.side_effect = EndTestExpectedException()\n"
        "    with pytest.raises(EndTestExpectedException):\n"
        "        shell.call_shell_command('test command')\n",
        "test_WHEN_call_shell_command_called_AND_process_spawned_THEN_raises_end_test_expected_exception",
    ),
    renames(
        "test_perform_get_success",
        "    mock_requests.get.return_value = success_response\n"
        "    actual_value = ops.perform_get(rest_path=REST_PATH)\n"
        "    assert expected_value == actual_value.to_dict()\n",
        "test_WHEN_perform_get_called_AND_success_THEN_as_expected",
        header="def {name}(mock_requests, success_response):",
    ),
    renames(
        "test_get_md5_of_file",
        "    mock_file = mock.Mock()\n"
        "    mock_file.local_path = local_test_file_path\n"
        "    actual_md5 = ver.get_md5_of_file(mock_file)\n"
        '    assert "ffc2c982c7363a318de4b18ee1357402" == actual_md5\n',
        "test_WHEN_get_md5_of_file_called_THEN_as_expected",
        header="def {name}(local_test_file_path):",
    ),
    renames(
        "test_copy_templates_to_cfn_dir",
        '    mock_listdir.return_value = ["MyCluster3-CaptureBucket.template.json"]\n'
        "    mock_isfile.return_value = True\n"
        "\n"
        '    actual_value = cfn._copy_templates_to_cfn_dir("MyCluster3", "/path/cfn", "path/cdk.out")\n'
        "\n"
        "    assert expected_copy_calls == mock_copyfile.call_args_list\n",
        "test_WHEN_copy_templates_to_cfn_dir_called_THEN_as_expected",
        prelude='@mock.patch("cdk_interactions.cfn_wrangling.shutil.copyfile")\n'
        '@mock.patch("cdk_interactions.cfn_wrangling.os.listdir")\n',
        header="def {name}(mock_listdir, mock_isfile, mock_copyfile):",
    ),
    renames(
        "test_tar_gz_directory_lifecycle",
        '    tgz_dir = lf.TarGzDirectory("/my/source/dir", "/test/file.tgz")\n'
        "\n"
        "    # TEST: Raises when you try to get the path before generating\n"
        "    with pytest.raises(lf.FileNotGenerated):\n"
        "        tgz_dir.local_path\n"
        "\n"
        "    # TEST: When generate called, then file is created\n"
        "    tgz_dir.generate()\n"
        '    assert "/test/file.tgz" == tgz_dir.local_path\n',
        "test_WHEN_tar_gz_directory_lifecycle_THEN_as_expected",
    ),
    renames(
        "test_create_eni_mirror_event_metrics_success",
        ACT + '    actual_value = cwi.CreateEniMirrorEventMetrics("cluster-1", "vpc-1", cwi.Outcome.SUCCESS)\n'
        "    assert expected_metric_data == actual_value.metric_data\n",
        "test_WHEN_create_eni_mirror_event_metrics_success_THEN_as_expected",
    ),
    renames(
        "test_get_bucket_status",
        "    # TEST: Bucket exists but we don't have access to it\n"
        "    mock_s3_client.head_bucket.side_effect = ClientError({}, \"\")\n"
        '    actual_value = s3.get_bucket_status("bucket-name", mock_aws_provider)\n'
        "    assert s3.BucketStatus.EXISTS_NO_ACCESS == actual_value\n",
        "test_WHEN_get_bucket_status_called_THEN_as_expected",
    ),
    renames(
        "test_get_subnets_of_vpc_handles_pagination",
        '    result = ec2i.get_subnets_of_vpc("my-vpc", mock_aws_provider)\n'
        "    assert expected_describe_calls == mock_ec2_client.describe_subnets.call_args_list\n",
        "test_WHEN_get_subnets_of_vpc_called_THEN_handles_pagination",
    ),
    renames(
        "test_create_bucket_swallows_already_owned",
        '    mock_s3_client.create_bucket.side_effect = ClientError({}, "")\n'
        '    s3.create_bucket("bucket-name", mock_aws_provider)\n'
        "    assert True  # The ClientError was swallowed\n",
        "test_WHEN_create_bucket_called_THEN_swallows_already_owned",
    ),
    renames(
        "test_get_happy_path",
        '    response = client.get("/items")\n    assert 200 == response.status_code\n',
        "test_WHEN_get_called_AND_happy_path_THEN_as_expected",
    ),
    renames(
        "test_get_error_path",
        '    response = client.get("/broken")\n    assert 500 == response.status_code\n',
        "test_WHEN_get_called_AND_error_path_THEN_as_expected",
    ),
]

# Outcome verbs and condition markers, in every position.
WORD_CASES: List[Case] = [
    renames(
        "test_parse_returns_none_when_empty",
        '    assert None == parse("")\n',
        "test_WHEN_parse_called_AND_empty_THEN_returns_none",
    ),
    renames(
        "test_parse_raises_value_error_on_bad_input",
        '    with pytest.raises(ValueError):\n        parse("{")\n',
        "test_WHEN_parse_called_AND_on_bad_input_THEN_raises_value_error",
    ),
    renames(
        "test_returns_none_for_missing_key",
        '    assert None == lookup({}, "k")\n',
        "test_WHEN_lookup_called_AND_for_missing_key_THEN_returns_none",
    ),
    renames(
        "test_load_config_with_env_override",
        '    monkeypatch.setenv("APP_DEBUG", "1")\n    config = load_config()\n    assert config.debug\n',
        "test_WHEN_load_config_called_AND_with_env_override_THEN_as_expected",
        header="def {name}(monkeypatch):",
    ),
    renames(
        "test_load_config_without_file_uses_defaults",
        '    config = load_config(tmp_path / "missing.toml")\n    assert DEFAULTS == config\n',
        "test_WHEN_load_config_called_AND_without_file_THEN_uses_defaults",
        header="def {name}(tmp_path):",
    ),
    renames(
        "test_retry_on_timeout",
        "    fetch_with_retry(URL)\n    assert 3 == mock_get.call_count\n",
        "test_WHEN_fetch_with_retry_called_AND_on_timeout_THEN_as_expected",
    ),
    renames(
        "test_save_after_close_fails",
        "    doc.close()\n    doc.save()\n    assert not doc.saved\n",
        "test_WHEN_save_called_AND_after_close_THEN_fails",
    ),
    renames(
        "test_connect_before_start_raises",
        "    with pytest.raises(RuntimeError):\n        server.connect()\n",
        "test_WHEN_connect_called_AND_before_start_THEN_raises",
    ),
    renames(
        "test_render_during_shutdown_is_skipped",
        "    app.shutdown()\n    render(app)\n    assert [] == app.frames\n",
        "test_WHEN_render_called_AND_during_shutdown_THEN_is_skipped",
    ),
    renames(
        "test_parse_if_file_is_missing",
        '    assert None == parse(tmp_path / "nope")\n',
        "test_WHEN_parse_called_AND_file_is_missing_THEN_as_expected",
        header="def {name}(tmp_path):",
    ),
    renames(
        "test_should_return_default_when_key_missing",
        '    assert 1 == get_value({}, "k", default=1)\n',
        "test_WHEN_get_value_called_AND_key_missing_THEN_returns_default",
    ),
    renames(
        "test_parse_should_not_raise",
        '    parse("x")\n',
        "test_WHEN_parse_called_THEN_does_not_raise",
    ),
    renames(
        "test_cache_should_be_empty_after_clear",
        "    cache.clear()\n    assert 0 == len(cache)\n",
        "test_WHEN_cache_AND_after_clear_THEN_is_empty",
    ),
    renames(
        "test_parse_doesnt_raise_for_unicode",
        '    parse("é")\n',
        "test_WHEN_parse_called_AND_for_unicode_THEN_doesnt_raise",
    ),
    renames(
        "test_tokenize_does_not_split_urls",
        '    assert ["http://x.org/a"] == tokenize("http://x.org/a")\n',
        "test_WHEN_tokenize_called_THEN_does_not_split_urls",
    ),
    renames(
        "test_empty_list_is_falsy",
        "    assert not bool(Stack([]))\n",
        "test_WHEN_empty_list_THEN_is_falsy",
    ),
    renames(
        "test_is_valid_email",
        '    assert is_valid_email("a@b.org")\n',
        "test_WHEN_is_valid_email_called_THEN_as_expected",
    ),
    renames(
        "test_has_permission_for_admin",
        '    assert has_permission(ADMIN, "delete")\n',
        "test_WHEN_has_permission_called_AND_for_admin_THEN_as_expected",
    ),
    renames(
        "test_user_has_no_permissions",
        '    user = User("bob")\n    assert not user.can("delete")\n',
        "test_WHEN_user_THEN_has_no_permissions",
    ),
    renames(
        "test_login_with_bad_password_fails",
        '    response = client.post("/login", data={"password": "x"})\n    assert 401 == response.status_code\n',
        "test_WHEN_login_AND_with_bad_password_THEN_fails",
    ),
    renames(
        "test_upload_handles_large_files",
        "    uploader.upload(BIG_FILE)\n    assert 3 == mock_put.call_count\n",
        "test_WHEN_upload_called_THEN_handles_large_files",
    ),
    renames(
        "test_serializer_ignores_unknown_fields",
        '    data = serializer.load({"name": "x", "extra": 1})\n    assert {"name": "x"} == data\n',
        "test_WHEN_serializer_THEN_ignores_unknown_fields",
    ),
    renames(
        "test_validate_rejects_negative_amounts",
        "    assert not validate(-1)\n",
        "test_WHEN_validate_called_THEN_rejects_negative_amounts",
    ),
    renames(
        "test_migration_creates_index",
        '    run_migration(db)\n    assert "ix_users_email" in db.indexes\n',
        "test_WHEN_run_migration_called_THEN_creates_index",
    ),
    renames(
        "test_scheduler_skips_paused_jobs",
        "    scheduler.tick()\n    assert [] == ran\n",
        "test_WHEN_scheduler_THEN_skips_paused_jobs",
    ),
    renames(
        "test_write_yields_bytes_written",
        '    count = write(buffer, b"abc")\n    assert 3 == count\n',
        "test_WHEN_write_called_THEN_yields_bytes_written",
    ),
    renames(
        "test_update_sets_modified_timestamp",
        "    repo.update(item)\n    assert NOW == item.modified\n",
        "test_WHEN_update_called_THEN_sets_modified_timestamp",
    ),
    renames(
        "test_delete_removes_row",
        "    table.delete(1)\n    assert 0 == table.count()\n",
        "test_WHEN_delete_called_THEN_removes_row",
    ),
    renames(
        "test_cli_accepts_config_flag",
        '    result = runner.invoke(cli, ["--config", "x.toml"])\n    assert 0 == result.exit_code\n',
        "test_WHEN_cli_THEN_accepts_config_flag",
    ),
    renames(
        "test_handler_logs_warning_on_retry",
        "    handler.handle(EVENT)\n    assert caplog.records\n",
        "test_WHEN_handler_AND_on_retry_THEN_logs_warning",
        header="def {name}(caplog):",
    ),
    renames(
        "test_signal_calls_receiver_once",
        "    signal.send(sender)\n    receiver.assert_called_once()\n",
        "test_WHEN_signal_THEN_calls_receiver_once",
    ),
    renames(
        "test_convert_return_list",
        '    assert [1] == convert("1")\n',
        "test_WHEN_convert_called_THEN_returns_list",
    ),
    renames(
        "test_throw_on_invalid_token",
        '    with pytest.raises(TokenError):\n        tokenize("\\x00")\n',
        "test_WHEN_tokenize_called_AND_on_invalid_token_THEN_throws",
    ),
    renames(
        "test_parse_dont_raise",
        '    parse("")\n',
        "test_WHEN_parse_called_THEN_dont_raise",
    ),
    renames(
        "test_parse_and_format_roundtrip",
        '    assert "1.5" == format_value(parse_value("1.5"))\n',
        "test_WHEN_parse_and_format_roundtrip_THEN_as_expected",
    ),
    renames(
        "test_merge_with_none_and_empty",
        "    assert {} == merge(None, {})\n",
        "test_WHEN_merge_called_AND_with_none_AND_empty_THEN_as_expected",
    ),
    renames(
        "test_load_plugin_when_module_missing_and_fallback_disabled_logs_error",
        '    load_plugin("nope", fallback=False)\n    assert "nope" in caplog.text\n',
        "test_WHEN_load_plugin_called_AND_module_missing_AND_fallback_disabled_THEN_logs_error",
        header="def {name}(caplog):",
    ),
    renames(
        "test_given_no_args_prints_usage",
        "    main([])\n    assert \"usage\" in capsys.readouterr().out\n",
        "test_WHEN_main_called_AND_no_args_THEN_prints_usage",
        header="def {name}(capsys):",
    ),
    renames(
        "test_while_locked_writes_are_queued",
        "    with store.lock():\n        store.put(1)\n    assert [1] == store.queue\n",
        "test_WHEN_put_called_AND_while_locked_THEN_writes_are_queued",
    ),
    renames(
        "test_using_custom_encoder",
        '    assert \'"x"\' == serialize(X, encoder=Encoder)\n',
        "test_WHEN_serialize_called_AND_using_custom_encoder_THEN_as_expected",
    ),
    renames(
        "test_sync_via_proxy_succeeds",
        '    result = sync(REMOTE, proxy="http://proxy:3128")\n    assert result.ok\n',
        "test_WHEN_sync_called_AND_via_proxy_THEN_succeeds",
    ),
    renames(
        "test_divide_by_zero",
        "    with pytest.raises(ZeroDivisionError):\n        divide(1, 0)\n",
        "test_WHEN_divide_called_AND_by_zero_THEN_raises_zero_division_error",
    ),
]

# Where the WHEN part comes from: the call, the old name, vague names, act comments, skipped calls.
ACTION_CASES: List[Case] = [
    renames(
        "test_it_works",
        "    assert 0 == main()\n",
        "test_WHEN_main_called_THEN_works",
    ),
    renames(
        "test_smoke",
        "    app.run()\n",
        "test_WHEN_run_called_AND_smoke_THEN_as_expected",
    ),
    renames(
        "test_basic",
        "    assert [[1, 2]] == chunk([1, 2], 2)\n",
        "test_WHEN_chunk_called_AND_basic_THEN_as_expected",
    ),
    renames(
        "test_happy_path",
        "    cart = make_cart()\n    # Act\n    receipt = checkout(cart)\n    assert receipt.paid\n",
        "test_WHEN_checkout_called_AND_happy_path_THEN_as_expected",
    ),
    renames(
        "test_1",
        "    assert 2 == add(1, 1)\n",
        "test_WHEN_add_called_AND_1_THEN_as_expected",
    ),
    renames(
        "test",
        '    assert parse("x")\n',
        "test_WHEN_parse_called_THEN_as_expected",
    ),
    renames(
        "test_invalid_input",
        '    with pytest.raises(ValueError):\n        parse("{")\n',
        "test_WHEN_invalid_input_THEN_raises_value_error",
    ),
    renames(
        "test_empty",
        "    assert [] == flatten([])\n",
        "test_WHEN_flatten_called_AND_empty_THEN_as_expected",
    ),
    renames(
        "test_fetch_user",
        "    mock_session.get.return_value = FakeResponse(200)\n"
        '    with mock.patch("app.api.session", mock_session):\n'
        "        user = fetch_user(42)\n"
        '    assert "bob" == user.name\n',
        "test_WHEN_fetch_user_called_THEN_as_expected",
    ),
    renames(
        "test_load_settings_from_file",
        '    path = os.path.join(str(tmp_path), "settings.json")\n'
        "    data = json.dumps({})\n"
        "    result = load_settings(path)\n"
        "    assert 0 == len(result)\n",
        "test_WHEN_load_settings_called_AND_from_file_THEN_as_expected",
        header="def {name}(tmp_path):",
    ),
    renames(
        "test_total_with_discount",
        "    order = make_order(discount=10)\n    total = compute_total(order)\n    assert 90 == total\n",
        "test_WHEN_compute_total_called_AND_with_discount_THEN_as_expected",
        prelude="def make_order(discount):\n    return Order(discount)\n\n\n",
    ),
    renames(
        "test_transform_pipeline",
        "    data = read_sample()\n"
        "    # Act\n"
        "    result = transform(data)\n"
        "    saved = store(result)\n"
        "    assert saved\n",
        "test_WHEN_transform_called_AND_pipeline_THEN_as_expected",
    ),
    renames(
        "test_normalize_unicode",
        '    raw = read_sample("é")\n    result = normalize(raw)\n    assert "e" == result\n',
        "test_WHEN_normalize_called_AND_unicode_THEN_as_expected",
    ),
    renames(
        "test_square",
        "    assert 4 == square(2)\n",
        "test_WHEN_square_called_THEN_as_expected",
    ),
    renames(
        "test_checkout_totals",
        "    order = Order()\n    # When\n    receipt = checkout(order)\n    assert 0 == receipt.total\n",
        "test_WHEN_checkout_called_AND_totals_THEN_as_expected",
    ),
    renames(
        "test_next_page_token",
        "    page = client.list_items(page_token=TOKEN)\n    assert page.items\n",
        "test_WHEN_next_page_token_THEN_as_expected",
    ),
    renames(
        "test_cached_lookup",
        "    @memoize\n"
        "    def lookup(key):\n"
        "        return key\n"
        "\n"
        "    assert 1 == lookup(1)\n",
        "test_WHEN_cached_lookup_THEN_as_expected",
    ),
    renames(
        "test_format_int_list",
        '    assert "1-3" == strutils.format_int_list([1, 2, 3])\n',
        "test_WHEN_format_int_list_called_THEN_as_expected",
    ),
    renames(
        "test_chunked_bytes",
        '    assert [b"ab", b"c"] == chunked(b"abc", 2)\n',
        "test_WHEN_chunked_called_AND_bytes_THEN_as_expected",
    ),
    renames(
        "test_trace_exc",
        "    traced = wrap_trace(OBJ)\n    assert traced\n",
        "test_WHEN_wrap_trace_called_AND_exc_THEN_as_expected",
    ),
    renames(
        "test_research_custom_enter",
        "    results = research(ROOT, query, enter=enter)\n    assert 2 == len(results)\n",
        "test_WHEN_research_called_AND_custom_enter_THEN_as_expected",
    ),
    renames(
        "test_slicing",
        "        p = mi.peekable(SEQ)\n        assert 1 == p[0]\n",
        "test_WHEN_peekable_called_AND_slicing_THEN_as_expected",
        prelude="class TestPeekable:\n",
        header="    def {name}(self):",
    ),
    renames(
        "test_exhausted",
        "        with pytest.raises(VniPoolExhausted):\n            provider.get_next_vni()\n",
        "test_WHEN_get_next_vni_called_AND_exhausted_THEN_raises_vni_pool_exhausted",
        prelude="class TestGetNextVni:\n",
        header="    def {name}(self):",
    ),
    renames(
        "test_helper_only",
        "    value = self_check()\n    assert value\n",
        "test_WHEN_helper_only_THEN_as_expected",
        prelude="def self_check():\n    return True\n\n\n",
    ),
]

# Conjunctions never begin or end a part; a call in the first assert the name speaks of is the act; result words.
CONJUNCTION_AND_RESULT_CASES: List[Case] = [
    renames(
        "test_add_and_find",
        "    store = Store()\n"
        '    store.add(Item("a-1", 2.5))\n'
        "\n" + ACT + '    found = store.find("a-1")\n'
        "\n"
        "    assert 2.5 == found.price\n",
        "test_WHEN_find_called_AND_add_THEN_as_expected",
    ),
    renames(
        "test_find_and_add",
        '    found = store.find("a-1")\n    store.add(found)\n    assert store.skus()\n',
        "test_WHEN_add_called_AND_find_THEN_as_expected",
    ),
    renames(
        "test_add_item_then_find_twice",
        '    store.add(ITEM)\n    first = store.find("a")\n    assert first == store.find("a")\n',
        "test_WHEN_find_called_AND_add_item_AND_twice_THEN_as_expected",
    ),
    renames(
        "test_open_or_create_when_missing",
        "    handle = open_store(PATH)\n    assert handle.created\n",
        "test_WHEN_open_or_create_AND_missing_THEN_as_expected",
    ),
    renames(
        "test_login_and",
        '    session = login("bob")\n    assert session\n',
        # A name never ends with a conjunction but for its subject: `and` is kept, so the name's own words.
        "test_WHEN_login_and_THEN_as_expected",
    ),
    renames(
        "test_skus_sorted",
        "    store = Store()\n"
        '    store.add(Item("z", 1))\n'
        '    store.add(Item("a", 1))\n'
        '    assert ["a", "z"] == store.skus()\n',
        "test_WHEN_skus_called_THEN_sorted",
    ),
    renames(
        "test_total_after_two_items",
        "    cart.add(APPLE)\n    cart.add(PEAR)\n    assert 3 == cart.total()\n",
        "test_WHEN_total_called_AND_after_two_items_THEN_as_expected",
    ),
    renames(
        "test_items_roundtrip",
        "    save(ITEMS)\n    assert ITEMS == load()\n",
        "test_WHEN_items_roundtrip_THEN_as_expected",
    ),
    renames(
        "test_tokens_comments_ignored",
        '    lexer.feed("x # comment")\n    assert ["x"] == lexer.tokens()\n',
        "test_WHEN_tokens_called_THEN_comments_ignored",
    ),
    renames(
        "test_keys_sorted_when_empty",
        "    mapping.clear()\n    assert [] == mapping.keys()\n",
        "test_WHEN_keys_called_AND_empty_THEN_sorted",
    ),
    renames(
        "test_ceil_sorted",
        "    assert ceil(3, OPTIONS) == ceil(3, OPTIONS_SORTED)\n",
        "test_WHEN_ceil_called_AND_sorted_THEN_as_expected",
    ),
    renames(
        "test_prepend_reversed",
        "    it = peekable(range(3))\n    it.prepend(*reversed(ITEMS))\n    assert EXPECTED == list(it)\n",
        "test_WHEN_prepend_called_AND_reversed_THEN_as_expected",
    ),
    renames(
        "test_get_user_deleted",
        "    delete_user(1)\n    assert None is get_user(1)\n",
        "test_WHEN_get_user_called_AND_deleted_THEN_as_expected",
    ),
    renames(
        "test_sorted_returns_copy",
        "    assert DATA is not sort_items(DATA)\n",
        "test_WHEN_sorted_THEN_returns_copy",
    ),
]

# Found by reading renames of real suites: markers need words after them, plural nouns are not verbs, one- and
# two-letter callees are shorthands, a docstring without an outcome gives nothing.
REAL_SUITE_CASES: List[Case] = [
    renames(
        "test_stream_using_with_block",
        "    with open_stream() as stream:\n        assert stream.read()\n",
        "test_WHEN_open_stream_called_AND_using_with_block_THEN_as_expected",
    ),
    renames(
        "test_hooks_before_after_request",
        "    assert [1, 2] == run_hooks(APP)\n",
        "test_WHEN_run_hooks_called_AND_before_after_request_THEN_as_expected",
    ),
    renames(
        "test_parse_with_errors",
        "    assert [] == parse(BAD)\n",
        "test_WHEN_parse_called_AND_with_errors_THEN_as_expected",
    ),
    renames(
        "test_validate_with_matches_re",
        '    assert validate("ab", matches_re("a.*"))\n',
        "test_WHEN_validate_called_AND_with_matches_re_THEN_as_expected",
    ),
    renames(
        "test_copy_with",
        "    assert B == evolve(A)\n",
        "test_WHEN_copy_with_THEN_as_expected",
    ),
    renames(
        "test_decoding_errors",
        '    assert "?" == decode(b"\\xff")\n',
        "test_WHEN_decoding_errors_THEN_as_expected",
    ),
    renames(
        "test_model_validator_before",
        "    assert Model(x=1)\n",
        "test_WHEN_model_validator_before_THEN_as_expected",
    ),
    renames(
        "test_adds_all_by_default",
        "    @attr.s\n"
        "    class C:\n"
        "        x = attr.ib()\n"
        "\n"
        '    assert ["x"] == field_names(C)\n',
        "test_WHEN_field_names_called_THEN_adds_all_by_default",
    ),
    renames(
        "test_split_ends_with_sep",
        "    assert [[1], [0]] == split_at([1, 0], is_sep)\n",
        "test_WHEN_split_ends_with_sep_THEN_as_expected",
    ),
    renames(
        "test_prepend",
        '    """Tests interspersed ``prepend()`` and ``next()`` calls"""\n'
        "    it.prepend(10)\n"
        "    assert [10, 0] == list(it)\n",
        "test_WHEN_prepend_called_THEN_as_expected",
    ),
    renames(
        "test_get_schema_calls",
        "    assert 2 == count_get_schema_calls(Model)\n",
        "test_WHEN_count_get_schema_calls_called_THEN_as_expected",
    ),
    renames(
        "test_curry_doesnot_transmogrify",
        "    assert f is not curry(f).func\n",
        "test_WHEN_curry_called_THEN_doesnot_transmogrify",
    ),
    renames(
        "test_eq_mixed_types",
        "    assert eq(1, 1.0)\n",
        "test_WHEN_eq_called_AND_mixed_types_THEN_as_expected",
    ),
    renames(
        "test_get_value",
        '    """Should return None\n    when the key is missing.\n    """\n    assert None is get_value({}, "k")\n',
        "test_WHEN_get_value_called_AND_key_is_missing_THEN_returns_none",
    ),
    renames(
        "test_slots_empty_cell",
        '    """\n'
        "    Tests that no `ValueError: Cell is empty` exception is raised when\n"
        "    closures contain empty cells.\n"
        '    """\n'
        "    assert make_slotted(C)\n",
        "test_WHEN_slots_empty_cell_THEN_as_expected",
    ),
    renames(
        "test_factory_sugar",
        '    """Passing factory=f is syntactic sugar for passing default=Factory(f)."""\n'
        "    assert Factory(f) == attr.ib(factory=f)._default\n",
        "test_WHEN_factory_sugar_THEN_as_expected",
    ),
    renames(
        "test_parse_point_origin",
        "    match parse_point(TEXT):\n"
        "        case Point(x=0, y=0):\n"
        "            assert True\n"
        "        case _:\n"
        "            pytest.fail()\n",
        "test_WHEN_parse_point_called_AND_origin_THEN_as_expected",
    ),
]

# Docstrings as a source of THEN and AND words; pytest.raises blocks.
DOCSTRING_AND_RAISES_CASES: List[Case] = [
    renames(
        "test_lookup",
        '    """Should return None when the key is missing."""\n    assert None == lookup({}, "k")\n',
        "test_WHEN_lookup_called_AND_key_is_missing_THEN_returns_none",
    ),
    renames(
        "test_fetch_flaky",
        '    """Retries three times before giving up."""\n    fetch(URL)\n    assert 3 == mock_get.call_count\n',
        "test_WHEN_fetch_called_AND_flaky_THEN_retries_three_times",
    ),
    renames(
        "test_parse_dates",
        '    """Returns a datetime for ISO strings."""\n    assert DATE == parse_dates("2024-01-01")\n',
        "test_WHEN_parse_dates_called_AND_for_iso_strings_THEN_returns_datetime",
    ),
    renames(
        "test_parser_regression",
        '    """This is a regression test for the parser crashing on empty lines, found after a week of debugging."""\n'
        '    assert [] == parse_lines("\\n")\n',
        "test_WHEN_parser_regression_THEN_as_expected",
    ),
    renames(
        "test_pop_missing",
        '    """Ensure that it raises KeyError."""\n'
        "    try:\n"
        '        stack.pop("x")\n'
        "    except KeyError:\n"
        "        pass\n",
        "test_WHEN_pop_called_AND_missing_THEN_raises_key_error",
    ),
    renames(
        "test_session_expired",
        '    """Test that the client should not retry if the token is revoked."""\n'
        "    client.refresh()\n"
        "    assert 1 == mock_post.call_count\n",
        "test_WHEN_session_expired_AND_token_is_revoked_THEN_does_not_retry",
    ),
    renames(
        "test_fetch_missing_page",
        '    with pytest.raises(requests.HTTPError, match="404"):\n        client.fetch("/missing")\n',
        "test_WHEN_fetch_called_AND_missing_page_THEN_raises_http_error",
    ),
    renames(
        "test_get_item_out_of_range",
        "    with pytest.raises((KeyError, IndexError)):\n        get_item([], 3)\n",
        "test_WHEN_get_item_called_AND_out_of_range_THEN_raises",
    ),
    renames(
        "test_close_twice",
        "    conn.close()\n"
        "    with pytest.raises(ConnectionClosed):\n"
        '        conn.send(b"x")\n'
        "    assert conn.closed\n",
        "test_WHEN_close_twice_THEN_as_expected",
    ),
    renames(
        "test_parse_negative",
        '    with raises(ValueError):\n        parse("-1")\n',
        "test_WHEN_parse_called_AND_negative_THEN_raises_value_error",
        prelude="from pytest import raises\n\n\n",
    ),
    renames(
        "test_FunctionBuilder_invalid_body",
        '    fb = FunctionBuilder("f", body="return(")\n    with pytest.raises(SyntaxError):\n        fb.get_func()\n',
        "test_WHEN_FunctionBuilder_invalid_body_THEN_raises_syntax_error",
    ),
]

# Case, underscores, tags, left-alone names, decorators and async.
FORM_CASES: List[Case] = [
    renames(
        "testParseEmptyString",
        '    assert "" == parse("")\n',
        "test_WHEN_parse_called_AND_empty_string_THEN_as_expected",
    ),
    renames(
        "test_parse_JSON_body",
        '    assert {} == parse_json("{}")\n',
        "test_WHEN_parse_json_called_AND_body_THEN_as_expected",
    ),
    renames(
        "test_seek_codepoints_large_SEEK_END",
        "    stream.seek_codepoints(-1, os.SEEK_END)\n    assert 10 == stream.tell()\n",
        "test_WHEN_seek_codepoints_called_AND_large_SEEK_END_THEN_as_expected",
    ),
    renames(
        "test__private_helper",
        "    assert _private_helper(1)\n",
        "test_WHEN_private_helper_called_THEN_as_expected",
    ),
    renames(
        "test_WHEN_parse_called_THEN_as_expected",
        '    assert parse("x")\n',
        "test_WHEN_parse_called_THEN_as_expected",
    ),
    renames(
        "test_CONFIRM_prompt_shown",
        '    assert ask("sure?")\n',
        "test_CONFIRM_prompt_shown",
    ),
    renames(
        "test_WHEN_parse_called_AND_empty",
        '    with pytest.raises(ValueError):\n        parse("")\n',
        "test_WHEN_parse_called_AND_empty_THEN_raises_value_error",
    ),
    renames(
        "test_WHEN_render",
        "    assert render(PAGE)\n",
        "test_WHEN_render_THEN_as_expected",
    ),
    renames(
        "test_parse_THEN_ok",
        '    assert parse("x")\n',
        "test_parse_THEN_ok",
    ),
    renames(
        "testing_helper",
        "    assert helper()\n",
        "testing_helper",
    ),
    renames(
        "test_returns_none",
        "    assert None is None\n",
        "test_returns_none",
    ),
    renames(
        "test_square_positive",
        "    assert value * value == square(value)\n",
        "test_WHEN_square_called_AND_positive_THEN_as_expected",
        header='@pytest.mark.parametrize("value", [1, 2, 3])\ndef {name}(value):',
    ),
    renames(
        "test_square_ids",
        "    assert value * value == square(value)\n",
        "test_WHEN_square_called_AND_ids_THEN_as_expected",
        header='@pytest.mark.parametrize("value", [pytest.param(1, id="one")])\ndef {name}(value):',
    ),
    renames(
        "test_fetch_page_timeout",
        '    with pytest.raises(asyncio.TimeoutError):\n        await client.fetch_page("/slow")\n',
        "test_WHEN_fetch_page_called_AND_timeout_THEN_raises_timeout_error",
        header="@pytest.mark.asyncio\nasync def {name}():",
    ),
    renames(
        "test_stream_chunks",
        "    chunks = [chunk async for chunk in stream_chunks(SOURCE)]\n    assert 3 == len(chunks)\n",
        "test_WHEN_stream_chunks_called_THEN_as_expected",
        header="async def {name}():",
    ),
    renames(
        "test_client",
        "    return Client()\n",
        "test_client",
        header="@pytest.fixture\ndef {name}():",
    ),
    renames(
        "test_database",
        "    yield connect(URL)\n",
        "test_database",
        header='@pytest.fixture(scope="module")\ndef {name}():',
    ),
    renames(
        "test_settings",
        "    return {}\n",
        "test_settings",
        header="@fixture\ndef {name}():",
        prelude="from pytest import fixture\n\n\n",
    ),
    renames(
        "test_flaky_network",
        "    assert fetch(URL)\n",
        "test_WHEN_flaky_network_THEN_as_expected",
        header="@pytest.mark.flaky(reruns=3)\n@pytest.mark.network\ndef {name}():",
    ),
]

# Issue 17's names whose meaning the rename changed: a negation cut from its word, content words lost, a THEN
# that is a lone auxiliary or a word the source does not hold. Bodies as in the real suites.
MEANING_CASES: List[Case] = [
    renames(
        "test_asgi_exc_no_raise",
        "    transport = httpx.ASGITransport(app=raise_exc, raise_app_exceptions=False)\n"
        "    response = client.get(URL)\n"
        "    assert 500 == response.status_code\n",
        "test_WHEN_asgi_exc_THEN_no_raise",
        header="async def {name}():",
    ),
    renames(
        "test_no_raise_type_error_on_valid_warning",
        "    with pytest.warns(UserWarning):\n        warnings.warn(\"valid\", UserWarning)\n",
        "test_WHEN_on_valid_warning_THEN_no_raise_type_error",
    ),
    renames(
        "test_wrappers_yield_never_fails",
        "    out = hook.call_wrappers(yielding)\n    assert [] == out\n",
        "test_WHEN_call_wrappers_called_AND_yield_THEN_never_fails",
    ),
    renames(
        "test_not_same_origin",
        "    assert not same_origin(\"http://a.com\", \"http://b.com\")\n",
        "test_WHEN_not_same_origin_THEN_as_expected",
    ),
    renames(
        "test_header_no_return_chars",
        '    """Ensure that a header containing return character sequences raise an\n'
        '    exception. Otherwise, multiple headers are created from single string.\n    """\n'
        "    with pytest.raises(InvalidHeader):\n"
        '        requests.get(httpbin("get"), headers=invalid_header)\n',
        "test_WHEN_header_THEN_no_return_chars",
    ),
    renames(
        "test_argument_unbounded_nargs_cant_have_default",
        "    with pytest.raises(TypeError):\n        click.Argument([\"a\"], nargs=-1, default=1)\n",
        "test_WHEN_argument_unbounded_nargs_THEN_cant_have_default",
    ),
    renames(
        "test_conflicting_defaults",
        '    """\n    Raises `ValueError` if attributes with defaults are followed by\n    mandatory attributes.\n    """\n'
        "    with pytest.raises(ValueError):\n        _transform_attrs(C, None, False, False, True, None)\n",
        "test_WHEN_conflicting_defaults_AND_attributes_AND_with_defaults_THEN_raises_value_error",
    ),
    renames(
        "test_complement_round_trips_or_returns_none",
        "    assert value == complement(complement(value))\n",
        "test_WHEN_complement_round_trips_or_returns_none_THEN_as_expected",
    ),
    renames(
        "test_and_operator_evaluates_true",
        "    assert evaluate(\"a and b\", {\"a\", \"b\"})\n",
        "test_WHEN_and_operator_evaluates_true_THEN_as_expected",
    ),
    renames(
        "test_union_is_or",
        "    assert union(A, B) == or_(A, B)\n",
        "test_WHEN_union_is_or_THEN_as_expected",
    ),
    renames(
        "test_eq_must_specified",
        "    with pytest.raises(ValueError):\n        attr.s(eq=None)\n",
        "test_WHEN_eq_THEN_specified",
    ),
    renames(
        "test_annotations_strings",
        '    """\n    String annotations are passed into __init__ as is.\n    """\n    assert attr.fields(C)\n',
        "test_WHEN_annotations_strings_THEN_as_expected",
    ),
    renames(
        "test_truncates_edgecase_when_truncation_message_makes_the_result_longer_for_chars",
        "    expl = truncate._truncate_explanation(EXPL, max_lines=10, max_chars=10)\n    assert expl\n",
        "test_WHEN_truncates_edgecase_AND_truncation_message_makes_result_longer_AND_for_chars_THEN_as_expected",
    ),
    renames(
        "test_truncates_edgecase_when_the_truncation_message_makes_the_result_longer_than_the_original_for_chars_and_lines",
        "    expl = truncate._truncate_explanation(EXPL, max_lines=10, max_chars=10)\n    assert expl\n",
        # No WHEN/THEN name within 120 characters keeps every word: left alone, and warned.
        "test_truncates_edgecase_when_the_truncation_message_makes_the_result_longer_than_the_original_for_chars_and_lines",
        warnings=(
            "1:5: test-names: kept test_truncates_edgecase_when_the_truncation_message_makes_the_result_longer_than_the"
            "_original_for_chars_and_lines: no new name within 120 characters keeps its meaning (lost word 'lines'); "
            "rename it by hand",
        ),
    ),
]

ALL_CASES: List[Case] = (
    GUIDE_CASES
    + WORD_CASES
    + ACTION_CASES
    + CONJUNCTION_AND_RESULT_CASES
    + REAL_SUITE_CASES
    + DOCSTRING_AND_RAISES_CASES
    + FORM_CASES
    + MEANING_CASES
)


def test_WHEN_table_counted_THEN_at_least_80_distinct_names() -> None:
    names = [case.id for case in ALL_CASES]

    assert len(names) == len(set(names))
    assert len(names) >= 80


@pytest.mark.parametrize("case", ALL_CASES, ids=case_id)
def test_WHEN_test_renamed_THEN_new_name_is_exact_AND_second_pass_changes_nothing(case: Case) -> None:
    run_case(case, [CODEMOD])


def _new_name(case: Case) -> str:
    """The only word of `after` that differs from `before`: the test's new name."""
    return next(new for old, new in zip(re.findall(r"\w+", case.before), re.findall(r"\w+", case.after)) if old != new)


@pytest.mark.parametrize("case", [case for case in ALL_CASES if case.after != case.before], ids=case_id)
def test_WHEN_test_renamed_THEN_new_name_keeps_every_content_word_AND_negation_AND_a_real_outcome(
    case: Case,
) -> None:
    vocabulary = source_vocabulary(re.findall(r"\w+", case.before))

    problems = meaning_problems(name_words(case.id) or [], _new_name(case), vocabulary)

    assert [] == problems
