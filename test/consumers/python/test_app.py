"""The library as a Python user meets it: the README's example app, synthesized through the built wheel."""
import json

import pytest
from aws_cdk import App, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk.assertions import Template
from cdk_connect_callback_management import (
    AdmissionPolicy, CallbackAlarmThresholds, CallbackManagement, CallbackMode, CallbackPrompts, CallbackPromptSets, InQueueCallbackOffer,
    Prompt, WhenClosed,
)

import app as example_app
from app import HOURS_ARN

FLOW_TYPES = {
    'set_callback_flow': 'CONTACT_FLOW',
    'agent_whisper_flow': 'AGENT_WHISPER',
    'outbound_whisper_flow': 'OUTBOUND_WHISPER',
    'transferred_caller_whisper_flow': 'AGENT_WHISPER',
    'customer_queue_flow': 'CUSTOMER_QUEUE',
}
HANDLER_PROPERTIES = [
    'write_callback_function',
    'update_callback_function',
    'ctr_processor_function',
]


@pytest.fixture(scope='module')
def example():
    """Synthesizes the example app once: each synthesis bundles assets and costs seconds."""
    stack = example_app.build_stack(App())
    callbacks = stack.node.find_child('Callbacks')
    template = Template.from_stack(stack)
    return stack, callbacks, template


def logical_id(stack, construct):
    # A function is an L2 construct around its CfnFunction; a flow property is the CfnContactFlow itself.
    return stack.get_logical_id(construct.node.default_child or construct)


def flow_actions(content):
    """The actions of a flow's Content, each token replaced by the CloudFormation object it stands for.

    With tokens in it, Content synthesizes to {"Fn::Join": ["", [text, {"Fn::GetAtt": ...}, text, ...]]}:
    the JSON is rebuilt with a marker string in each token's place, parsed, and the markers swapped back.
    """
    if isinstance(content, str):
        return json.loads(content)['Actions']
    delimiter, parts = content['Fn::Join']
    tokens = {}
    text = []
    for part in parts:
        if isinstance(part, str):
            text.append(part)
        else:
            marker = f'__cfn_token_{len(tokens)}__'
            tokens[marker] = part
            text.append(marker)
    flow = json.loads(delimiter.join(text))

    def restore(value):
        if isinstance(value, dict):
            return {key: restore(item) for key, item in value.items()}
        if isinstance(value, list):
            return [restore(item) for item in value]
        return tokens.get(value, value) if isinstance(value, str) else value

    return restore(flow)['Actions']


def actions_of(example, flow_property):
    """The actions of one of the construct's flows, by id."""
    stack, callbacks, template = example
    flow = template.to_json()['Resources'][logical_id(stack, getattr(callbacks, flow_property))]
    return {action['Identifier']: action for action in flow_actions(flow['Properties']['Content'])}


def set_callback_flow_actions(example):
    return list(actions_of(example, 'set_callback_flow').values())


def test_one_table_expires_items_by_the_expires_at_attribute(example):
    stack, callbacks, template = example
    template.resource_count_is('AWS::DynamoDB::Table', 1)
    template.has_resource_properties('AWS::DynamoDB::Table', {
        'TimeToLiveSpecification': {'AttributeName': 'expiresAt', 'Enabled': True},
    })
    table_id = next(iter(template.find_resources('AWS::DynamoDB::Table')))
    assert stack.resolve(callbacks.table_name) == {'Ref': table_id}


def test_each_handler_property_is_a_node24_function_of_the_bundled_handler(example):
    stack, callbacks, template = example
    functions = template.find_resources('AWS::Lambda::Function')
    ids = [logical_id(stack, getattr(callbacks, name)) for name in HANDLER_PROPERTIES]
    assert len(set(ids)) == len(HANDLER_PROPERTIES) == 3
    for name, function_id in zip(HANDLER_PROPERTIES, ids):
        properties = functions[function_id]['Properties']
        assert (properties['Handler'], properties['Runtime']) == ('index.handler', 'nodejs24.x'), name
        assert stack.resolve(getattr(callbacks, f'{name}_name')) == {'Ref': function_id}


def test_five_contact_flows_of_their_types(example):
    stack, callbacks, template = example
    flows = template.find_resources('AWS::Connect::ContactFlow')
    assert sorted(flow['Properties']['Type'] for flow in flows.values()) == sorted(FLOW_TYPES.values())
    for name, flow_type in FLOW_TYPES.items():
        flow_id = logical_id(stack, getattr(callbacks, name))
        assert flows[flow_id]['Properties']['Type'] == flow_type
        assert flows[flow_id]['Properties']['Name'].startswith('example-callbacks-')
        assert stack.resolve(getattr(callbacks, f'{name}_arn')) == {'Fn::GetAtt': [flow_id, 'ContactFlowArn']}
    assert callbacks.name_prefix == 'example-callbacks'


def test_the_callback_is_attempted_once_so_it_is_never_retried(example):
    attempts = [action['Parameters']['MaximumConnectionAttempts']
                for action in set_callback_flow_actions(example) if action['Type'] == 'CreateCallbackContact']
    assert attempts, 'the set-callback flow creates no callback'
    assert set(attempts) == {'0'}


def test_the_set_callback_flow_invokes_the_construct_s_functions_by_arn(example):
    stack, callbacks, template = example
    function_ids = set(template.find_resources('AWS::Lambda::Function'))
    invoked = [action['Parameters']['LambdaFunctionARN']
               for action in set_callback_flow_actions(example) if action['Type'] == 'InvokeLambdaFunction']
    assert invoked, 'the set-callback flow invokes no function'
    for arn in invoked:
        assert isinstance(arn, dict) and list(arn) == ['Fn::GetAtt'], f'not a reference to a function: {arn!r}'
        function_id, attribute = arn['Fn::GetAtt']
        assert function_id in function_ids and attribute == 'Arn'
    invoked_ids = {arn['Fn::GetAtt'][0] for arn in invoked}
    assert logical_id(stack, callbacks.write_callback_function) in invoked_ids


def test_every_flow_speaks_the_spanish_prompts_in_lupe_neural(example):
    spanish = CallbackPromptSets.SPANISH_US
    for name in FLOW_TYPES:
        voice = actions_of(example, name)['set-voice']
        assert voice['Type'] == 'UpdateContactTextToSpeechVoice', name
        assert voice['Parameters'] == {'TextToSpeechVoice': 'Lupe', 'TextToSpeechEngine': 'Neural'}, name
    set_callback = actions_of(example, 'set_callback_flow')
    assert set_callback['choose-number']['Parameters']['Text'] == spanish.choose_number.value
    assert set_callback['say-callback-booked']['Parameters']['Text'] == (
        'Gracias. Le devolveremos la llamada al $.External.phoneNational en cuanto un agente esté disponible. Ya puede colgar.')
    assert set_callback['confirm-number']['Parameters']['SSML'].startswith('<speak>Usted ingresó <say-as interpret-as="telephone">$.StoredCustomerInput</say-as>')
    assert actions_of(example, 'agent_whisper_flow')['tell-agent-callback']['Parameters']['Text'] == (
        'Llamada de regreso. Se está marcando al cliente al $.External.phoneNational')


def test_the_handlers_speak_times_in_es_us(example):
    stack, callbacks, template = example
    for name in HANDLER_PROPERTIES:
        function = template.to_json()['Resources'][logical_id(stack, getattr(callbacks, name))]
        assert function['Properties']['Environment']['Variables']['LOCALE'] == 'es-US', name


def test_callers_in_the_queue_are_offered_a_callback_every_45_seconds_when_the_wait_is_3_minutes(example):
    stack, callbacks, template = example
    queue = actions_of(example, 'customer_queue_flow')
    assert queue['hold']['Type'] == 'MessageParticipantIteratively'
    assert queue['hold']['Parameters'] == {
        'Messages': [{'Text': CallbackPromptSets.SPANISH_US.queue_hold.value}], 'InterruptFrequencySeconds': '45'}
    assert queue['get-queue-wait']['Parameters'] == {'QueueChannel': 'Voice'}
    assert queue['check-queue-wait']['Transitions']['Conditions'][0]['Condition'] == {
        'Operator': 'NumberLessThan', 'Operands': ['180']}
    assert queue['create-callback']['Parameters']['MaximumConnectionAttempts'] == '0'
    assert queue['book-callback']['Parameters']['LambdaFunctionARN'] == {
        'Fn::GetAtt': [logical_id(stack, callbacks.write_callback_function), 'Arn']}
    # The set-callback flow hands the callers it puts through to the queue to this flow, and checks the wait itself.
    set_callback = actions_of(example, 'set_callback_flow')
    assert set_callback['set-customer-queue-flow']['Parameters']['EventHooks'] == {
        'CustomerQueue': stack.resolve(callbacks.customer_queue_flow_arn)}
    assert set_callback['get-queue-wait']['Parameters']['QueueChannel'] == 'Voice'


def test_the_admission_policy_refuses_at_capacity_and_over_the_daily_limit_in_spanish(example):
    stack, callbacks, template = example
    spanish = CallbackPromptSets.SPANISH_US
    set_callback = actions_of(example, 'set_callback_flow')
    for booking in ('book-caller-number', 'book-entered-number'):
        assert set_callback[booking]['Parameters']['LambdaInvocationAttributes']['contactsInQueue'] == '$.Metrics.Queue.Size'
    results = [c['Condition']['Operands'][0] for c in set_callback['check-caller-booking']['Transitions']['Conditions']]
    assert results == ['CREATED', 'EXISTS', 'INVALID_NUMBER', 'AT_CAPACITY', 'LIMIT_REACHED', 'CLOSING', 'CLOSED', 'CLOSED_DEFERRED']
    assert set_callback['say-at-capacity']['Parameters']['Text'] == spanish.at_capacity.value
    assert set_callback['say-limit-reached']['Parameters']['Text'] == spanish.limit_reached.value
    assert set_callback['say-limit-reached']['Transitions']['NextAction'] == 'transfer-to-queue'
    queue = actions_of(example, 'customer_queue_flow')
    assert queue['say-queue-limit-reached']['Parameters']['Text'] == spanish.queue_limit_reached.value
    function = template.to_json()['Resources'][logical_id(stack, callbacks.write_callback_function)]
    variables = function['Properties']['Environment']['Variables']
    assert variables['ADMISSION_MAX_QUEUED_CONTACTS'] == '50'
    assert variables['ADMISSION_MAX_CALLBACKS_PER_NUMBER_PER_DAY'] == '3'
    assert variables['TIME_ZONE'] == 'America/New_York'


def test_the_closing_time_rules_from_python_defer_with_one_callback_block_per_delay(example):
    stack, callbacks, template = example
    spanish = CallbackPromptSets.SPANISH_US
    set_callback = actions_of(example, 'set_callback_flow')
    assert set_callback['say-closing-soon']['Parameters']['Text'] == spanish.closing_soon.value
    assert set_callback['say-closed']['Parameters']['Text'] == spanish.closed.value
    choose = set_callback['choose-callback-delay']
    assert [(c['Condition']['Operands'][0], c['NextAction']) for c in choose['Transitions']['Conditions']] == [
        (seconds, f'create-callback-deferred-{seconds}') for seconds in ('43200', '50400', '57600')]
    for seconds in ('43200', '50400', '57600'):
        block = set_callback[f'create-callback-deferred-{seconds}']
        assert block['Parameters']['InitialCallDelaySeconds'] == seconds
        assert block['Parameters']['MaximumConnectionAttempts'] == '0'
    resource = template.to_json()['Resources'][logical_id(stack, callbacks.write_callback_function)]
    # The asset with the Connect client: only a construct with hours rules runs it.
    assert resource['Metadata']['cdk-connect-callback-management:handler'] == 'write-callback-hours'
    variables = resource['Properties']['Environment']['Variables']
    assert variables['ADMISSION_HOURS_OF_OPERATION_ARN'] == HOURS_ARN
    assert variables['ADMISSION_STOP_BEFORE_CLOSE_SECONDS'] == '900'
    assert variables['ADMISSION_WHEN_CLOSED'] == 'DEFER'
    assert variables['ADMISSION_DEFERRAL_DELAYS_SECONDS'] == '43200,50400,57600'


def test_deferral_without_delays_is_refused():
    with pytest.raises(Exception, match='admissionPolicy.whenClosed DEFER needs admissionPolicy.deferralDelays'):
        construct_with(admission_policy=AdmissionPolicy(hours_of_operation_arn=HOURS_ARN, when_closed=WhenClosed.DEFER))


def test_an_admission_rule_below_one_is_refused():
    with pytest.raises(Exception, match='admissionPolicy.maxQueuedContacts must be a whole number of at least 1, got 0'):
        construct_with(admission_policy=AdmissionPolicy(max_queued_contacts=0))


def test_prompts_made_in_python_are_said_and_checked(example):
    audio = f'{example_app.INSTANCE_ARN}/prompt/77777777-8888-4999-8aaa-bbbbbbbbbbbb'
    callbacks = construct_with(prompts=CallbackPrompts(
        callback_booked=Prompt.text('Booked for {callbackNumber}.'),
        queue_hold=Prompt.audio(audio),
    ), in_queue_callback_offer=InQueueCallbackOffer())
    stack = callbacks.node.scope
    example_like = (stack, callbacks, Template.from_stack(stack))
    assert actions_of(example_like, 'set_callback_flow')['say-callback-booked']['Parameters'] == {
        'Text': 'Booked for $.External.phoneNational .'}
    assert actions_of(example_like, 'customer_queue_flow')['hold']['Parameters']['Messages'] == [{'PromptId': audio}]
    with pytest.raises(RuntimeError, match=r'prompts\.callbackBooked uses the unknown placeholder \{number\}'):
        construct_with(prompts=CallbackPrompts(callback_booked=Prompt.text('Booked for {number}.')))


def construct_with(**overrides):
    stack = Stack(App(), 'BadProps')
    props = {
        'instance_arn': example_app.INSTANCE_ARN,
        'queue_arn': example_app.QUEUE_ARN,
        'stream': kinesis.Stream.from_stream_arn(stack, 'CtrStream', example_app.STREAM_ARN),
        **overrides,
    }
    return CallbackManagement(stack, 'Callbacks', **props)


def test_a_malformed_instance_arn_is_refused_at_synth():
    with pytest.raises(RuntimeError, match='instanceArn must be an Amazon Connect instance ARN'):
        construct_with(instance_arn='not-an-arn')


def test_a_callback_ttl_under_an_hour_is_refused():
    with pytest.raises(RuntimeError, match='callbackTtl must be between 1 hour and 7 days'):
        construct_with(callback_ttl=Duration.minutes(30))


def test_the_valid_props_of_those_refusals_are_accepted():
    # The refusals above are about the one bad value: the same call with good values builds.
    assert isinstance(construct_with(callback_ttl=Duration.hours(1)), CallbackManagement)


def test_the_default_stack_has_the_alarms_and_the_reconciler(example):
    stack, callbacks, template = example
    assert len(callbacks.alarms) == len(template.find_resources('AWS::CloudWatch::Alarm')) == 17
    assert callbacks.reconciler_function is not None
    assert callbacks.callbacks_api is None and callbacks.callbacks_api_url is None


def test_the_callbacks_api_grants_list_and_cancel_separately_from_python():
    stack = Stack(App(), 'Operators')
    callbacks = CallbackManagement(
        stack, 'Callbacks',
        instance_arn=example_app.INSTANCE_ARN,
        queue_arn=example_app.QUEUE_ARN,
        stream=kinesis.Stream.from_stream_arn(stack, 'CtrStream', example_app.STREAM_ARN),
        enable_callbacks_api=True,
        alarm_thresholds=CallbackAlarmThresholds(dead_letter_queue_messages=5, ctr_iterator_age=Duration.minutes(30)),
    )
    reader = iam.Role(stack, 'Reader', assumed_by=iam.AccountRootPrincipal())
    canceller = iam.Role(stack, 'Canceller', assumed_by=iam.AccountRootPrincipal())
    assert callbacks.grant_list(reader).success
    assert callbacks.grant_cancel(canceller).success
    template = Template.from_stack(stack)
    statements = {
        policy_id.split('DefaultPolicy')[0]: policy['Properties']['PolicyDocument']['Statement']
        for policy_id, policy in template.find_resources('AWS::IAM::Policy').items()
        if policy_id.startswith(('Reader', 'Canceller'))
    }
    routes = {name: statement[0]['Resource']['Fn::Join'][1][-1] for name, statement in statements.items()}
    assert routes == {'Reader': '/$default/GET/callbacks', 'Canceller': '/$default/POST/callbacks/cancel'}
    assert [output['Description'] for output in template.find_outputs('*').values()] == [
        'URL of the callbacks API of cdk-connect-callback-management']
    thresholds = {alarm_id: alarm['Properties']['Threshold'] for alarm_id, alarm in template.find_resources('AWS::CloudWatch::Alarm').items()}
    assert thresholds[next(a for a in thresholds if a.startswith('CallbacksAlarmsCTRDeadLetterQueue'))] == 5
    assert thresholds[next(a for a in thresholds if a.startswith('CallbacksAlarmsCtrIteratorAge'))] == 1_800_000


def test_grant_list_without_the_api_is_refused():
    callbacks = construct_with()
    with pytest.raises(RuntimeError, match='needs the callbacks API: set enableCallbacksApi to true'):
        callbacks.grant_list(iam.Role(callbacks, 'Reader', assumed_by=iam.AccountRootPrincipal()))
# The parameters of a customer-first "Transfer to queue" block as an instance exports them. The two names other than
# ContactFlowId are placeholders for whatever the export holds: no document or public export names them.
EXPORTED_CUSTOMER_FIRST_PARAMETERS = {
    'DialModeAsExported': 'CUSTOMER_FIRST',
    'OutboundCallbackFlowAsExported': CallbackManagement.OUTBOUND_CALLBACK_FLOW_ARN,
    'ContactFlowId': CallbackManagement.CALLBACK_CREATION_FLOW_ARN,
}


def callback_block(template, stack, callbacks):
    flow = template.to_json()['Resources'][logical_id(stack, callbacks.set_callback_flow)]
    blocks = [action for action in flow_actions(flow['Properties']['Content']) if action['Type'] == 'CreateCallbackContact']
    assert len(blocks) == 1
    return blocks[0]['Parameters']


def test_agent_first_is_the_default_mode(example):
    stack, callbacks, template = example
    assert callbacks.callback_mode == CallbackMode.AGENT_FIRST
    assert callbacks.outbound_callback_flow is None
    assert callbacks.callback_creation_flow_arn is None


def test_customer_first_mode_adds_its_flows_and_merges_the_exported_parameters():
    callbacks = construct_with(callback_mode=CallbackMode.CUSTOMER_FIRST,
                               customer_first_callback_parameters=EXPORTED_CUSTOMER_FIRST_PARAMETERS)
    stack = Stack.of(callbacks)
    template = Template.from_stack(stack)
    assert callbacks.callback_mode == CallbackMode.CUSTOMER_FIRST
    flows = template.find_resources('AWS::Connect::ContactFlow')
    assert sorted(flow['Properties']['Type'] for flow in flows.values()) == sorted(
        # Without the in-queue offer there is no customer queue flow; customer-first adds its three.
        [t for name, t in FLOW_TYPES.items() if name != 'customer_queue_flow'] + ['CONTACT_FLOW', 'CONTACT_FLOW', 'AGENT_WHISPER'])
    outbound_id = logical_id(stack, callbacks.outbound_callback_flow)
    creation_id = logical_id(stack, callbacks.callback_creation_flow)
    assert flows[outbound_id]['Properties']['Type'] == 'CONTACT_FLOW'
    parameters = callback_block(template, stack, callbacks)
    assert parameters['DialModeAsExported'] == 'CUSTOMER_FIRST'
    assert parameters['OutboundCallbackFlowAsExported'] == {'Fn::GetAtt': [outbound_id, 'ContactFlowArn']}
    assert parameters['ContactFlowId'] == {'Fn::GetAtt': [creation_id, 'ContactFlowArn']}
    # Customer-first callbacks take no agent-first retry settings.
    assert 'MaximumConnectionAttempts' not in parameters


def test_customer_first_without_its_exported_parameters_is_refused():
    with pytest.raises(RuntimeError, match='customerFirstCallbackParameters is required with callbackMode CUSTOMER_FIRST'):
        construct_with(callback_mode=CallbackMode.CUSTOMER_FIRST)
