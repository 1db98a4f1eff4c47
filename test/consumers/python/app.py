from aws_cdk import App, Duration, Environment, Stack
from aws_cdk import aws_kinesis as kinesis
from cdk_connect_callback_management import (
    AdmissionPolicy, CallbackManagement, CallbackPromptSets, InQueueCallbackOffer, SpeechEngine, Voice, WhenClosed,
)

INSTANCE_ARN = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555'
QUEUE_ARN = f'{INSTANCE_ARN}/queue/66666666-7777-8888-9999-000000000000'
HOURS_ARN = f'{INSTANCE_ARN}/operating-hours/77777777-8888-9999-aaaa-bbbbbbbbbbbb'
# The Kinesis data stream the instance streams its contact trace records to.
STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/connect-contact-trace-records'


def build_stack(app: App) -> Stack:
    # A fixed dummy account and region: synthesis is offline and needs no credentials.
    stack = Stack(app, 'CallbackManagementExample',
                  env=Environment(account='123456789012', region='us-east-1'))

    CallbackManagement(
        stack, 'Callbacks',
        instance_arn=INSTANCE_ARN,
        queue_arn=QUEUE_ARN,
        stream=kinesis.Stream.from_stream_arn(stack, 'CtrStream', STREAM_ARN),
        name_prefix='example-callbacks',
        callback_ttl=Duration.hours(24),
        time_zone='America/New_York',
        # Every prompt in US Spanish, said by a neural voice that speaks it; times are spoken as es-US words them.
        prompts=CallbackPromptSets.SPANISH_US,
        voice=Voice(voice_id='Lupe', engine=SpeechEngine.NEURAL),
        locale='es-US',
        # Callers waiting in the queue are offered a callback every 45 seconds, while the estimated wait is 3 minutes or more.
        in_queue_callback_offer=InQueueCallbackOffer(interval=Duration.seconds(45)),
        minimum_wait_for_callback=Duration.minutes(3),
        # No new callback while 50 contacts wait in the queue; at most 3 callbacks per number and day (in time_zone). From 15
        # minutes before the queue's hours close, a callback is booked for its next opening: 12, 14 or 16 hours on.
        admission_policy=AdmissionPolicy(
            max_queued_contacts=50,
            max_callbacks_per_number_per_day=3,
            hours_of_operation_arn=HOURS_ARN,
            stop_offering_before_close=Duration.minutes(15),
            when_closed=WhenClosed.DEFER,
            deferral_delays=[Duration.hours(12), Duration.hours(14), Duration.hours(16)],
        ),
    )
    return stack


if __name__ == '__main__':
    app = App()
    stack = build_stack(app)
    template = app.synth().get_stack_by_name(stack.stack_name).template_full_path
    print(f'template written to {template}')
