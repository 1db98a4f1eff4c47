package com.example.callbacks;

import java.util.List;

import io.github.cdkconnectcallback.AdmissionPolicy;
import io.github.cdkconnectcallback.CallbackManagement;
import io.github.cdkconnectcallback.CallbackPromptSets;
import io.github.cdkconnectcallback.InQueueCallbackOffer;
import io.github.cdkconnectcallback.SpeechEngine;
import io.github.cdkconnectcallback.Voice;
import io.github.cdkconnectcallback.WhenClosed;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.kinesis.Stream;

public final class CallbackManagementApp {
    static final String INSTANCE_ARN =
        "arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555";
    static final String QUEUE_ARN = INSTANCE_ARN + "/queue/66666666-7777-8888-9999-000000000000";
    static final String HOURS_ARN = INSTANCE_ARN + "/operating-hours/77777777-8888-9999-aaaa-bbbbbbbbbbbb";
    // The Kinesis data stream the instance streams its contact trace records to.
    static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/connect-contact-trace-records";

    static Stack buildStack(final App app) {
        // A fixed dummy account and region: synthesis is offline and needs no credentials.
        Stack stack = new Stack(app, "CallbackManagementExample", StackProps.builder()
            .env(Environment.builder().account("123456789012").region("us-east-1").build())
            .build());

        CallbackManagement.Builder.create(stack, "Callbacks")
            .instanceArn(INSTANCE_ARN)
            .queueArn(QUEUE_ARN)
            .stream(Stream.fromStreamArn(stack, "CtrStream", STREAM_ARN))
            .namePrefix("example-callbacks")
            .callbackTtl(Duration.hours(24))
            .timeZone("America/New_York")
            // Every prompt in US Spanish, said by a neural voice that speaks it; times are spoken as es-US words them.
            .prompts(CallbackPromptSets.SPANISH_US)
            .voice(Voice.builder().voiceId("Lupe").engine(SpeechEngine.NEURAL).build())
            .locale("es-US")
            // Callers waiting in the queue are offered a callback every 45 seconds, while the estimated wait is 3 minutes or more.
            .inQueueCallbackOffer(InQueueCallbackOffer.builder().interval(Duration.seconds(45)).build())
            .minimumWaitForCallback(Duration.minutes(3))
            // No new callback while 50 contacts wait in the queue; at most 3 callbacks per number and day (in timeZone). From 15
            // minutes before the queue's hours close, a callback is booked for its next opening: 12, 14 or 16 hours on.
            .admissionPolicy(AdmissionPolicy.builder()
                .maxQueuedContacts(50)
                .maxCallbacksPerNumberPerDay(3)
                .hoursOfOperationArn(HOURS_ARN)
                .stopOfferingBeforeClose(Duration.minutes(15))
                .whenClosed(WhenClosed.DEFER)
                .deferralDelays(List.of(Duration.hours(12), Duration.hours(14), Duration.hours(16)))
                .build())
            .build();
        return stack;
    }

    public static void main(final String[] args) {
        App app = new App();
        Stack stack = buildStack(app);
        String template = app.synth().getStackByName(stack.getStackName()).getTemplateFullPath();
        System.out.println("template written to " + template);
    }
}
