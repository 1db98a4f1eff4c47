package com.example.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdkconnectcallback.AdmissionPolicy;
import io.github.cdkconnectcallback.CallbackAlarmThresholds;
import io.github.cdkconnectcallback.CallbackManagement;
import io.github.cdkconnectcallback.CallbackMode;
import io.github.cdkconnectcallback.CallbackPromptSets;
import io.github.cdkconnectcallback.CallbackPrompts;
import io.github.cdkconnectcallback.InQueueCallbackOffer;
import io.github.cdkconnectcallback.Prompt;
import io.github.cdkconnectcallback.WhenClosed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.connect.CfnContactFlow;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.IConstruct;

/** The library as a Java user meets it: the README's example app, synthesized through the built jar. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallbackManagementAppTest {
    private Stack stack;
    private CallbackManagement callbacks;
    private Template template;
    private Map<String, Object> resources;

    /** Synthesizes the example app once: each synthesis bundles assets and costs seconds. */
    @BeforeAll
    void synthesizeTheExample() {
        stack = CallbackManagementApp.buildStack(new App());
        callbacks = (CallbackManagement) stack.getNode().findChild("Callbacks");
        template = Template.fromStack(stack);
        resources = asMap(template.toJSON().get("Resources"));
    }

    @Test
    void oneTableExpiresItemsByTheExpiresAtAttribute() {
        template.resourceCountIs("AWS::DynamoDB::Table", 1);
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
            "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true)));
        String tableId = template.findResources("AWS::DynamoDB::Table").keySet().iterator().next();
        assertEquals(Map.of("Ref", tableId), stack.resolve(callbacks.getTableName()));
    }

    @Test
    void eachHandlerPropertyIsANode24FunctionOfTheBundledHandler() {
        Map<String, IFunction> handlers = new LinkedHashMap<>();
        handlers.put("writeCallback", callbacks.getWriteCallbackFunction());
        handlers.put("updateCallback", callbacks.getUpdateCallbackFunction());
        handlers.put("ctrProcessor", callbacks.getCtrProcessorFunction());
        Map<String, String> names = Map.of(
            "writeCallback", callbacks.getWriteCallbackFunctionName(),
            "updateCallback", callbacks.getUpdateCallbackFunctionName(),
            "ctrProcessor", callbacks.getCtrProcessorFunctionName());

        Set<String> ids = new HashSet<>();
        handlers.forEach((name, function) -> {
            String id = logicalId(function);
            ids.add(id);
            Map<String, Object> properties = asMap(asMap(resources.get(id)).get("Properties"));
            assertEquals("AWS::Lambda::Function", asMap(resources.get(id)).get("Type"), name);
            assertEquals(List.of("index.handler", "nodejs24.x"), List.of(properties.get("Handler"), properties.get("Runtime")), name);
            assertEquals(Map.of("Ref", id), stack.resolve(names.get(name)), name);
        });
        assertEquals(3, ids.size());
    }

    @Test
    void fiveContactFlowsOfTheirTypes() {
        Map<String, Map<String, Object>> flows = template.findResources("AWS::Connect::ContactFlow");
        List<Object> types = flows.values().stream()
            .map(flow -> asMap(flow.get("Properties")).get("Type")).sorted().collect(Collectors.toList());
        assertEquals(List.of("AGENT_WHISPER", "AGENT_WHISPER", "CONTACT_FLOW", "CUSTOMER_QUEUE", "OUTBOUND_WHISPER"), types);

        Consumer<Object[]> check = flow -> {
            String id = logicalId((IConstruct) flow[0]);
            Map<String, Object> properties = asMap(flows.get(id).get("Properties"));
            assertEquals(flow[1], properties.get("Type"));
            assertTrue(((String) properties.get("Name")).startsWith("example-callbacks-"), (String) properties.get("Name"));
            assertEquals(Map.of("Fn::GetAtt", List.of(id, "ContactFlowArn")), stack.resolve(flow[2]));
        };
        check.accept(new Object[] {callbacks.getSetCallbackFlow(), "CONTACT_FLOW", callbacks.getSetCallbackFlowArn()});
        check.accept(new Object[] {callbacks.getAgentWhisperFlow(), "AGENT_WHISPER", callbacks.getAgentWhisperFlowArn()});
        check.accept(new Object[] {callbacks.getOutboundWhisperFlow(), "OUTBOUND_WHISPER", callbacks.getOutboundWhisperFlowArn()});
        check.accept(new Object[] {
            callbacks.getTransferredCallerWhisperFlow(), "AGENT_WHISPER", callbacks.getTransferredCallerWhisperFlowArn()});
        check.accept(new Object[] {callbacks.getCustomerQueueFlow(), "CUSTOMER_QUEUE", callbacks.getCustomerQueueFlowArn()});
        assertEquals("example-callbacks", callbacks.getNamePrefix());
    }

    @Test
    void theCallbackIsAttemptedOnceSoItIsNeverRetried() {
        List<Object> attempts = setCallbackFlowActions().stream()
            .filter(action -> "CreateCallbackContact".equals(action.get("Type")))
            .map(action -> asMap(action.get("Parameters")).get("MaximumConnectionAttempts"))
            .collect(Collectors.toList());
        assertFalse(attempts.isEmpty(), "the set-callback flow creates no callback");
        assertEquals(Set.of("0"), new HashSet<>(attempts));
    }

    @Test
    void theSetCallbackFlowInvokesTheConstructsFunctionsByArn() {
        List<Object> invoked = setCallbackFlowActions().stream()
            .filter(action -> "InvokeLambdaFunction".equals(action.get("Type")))
            .map(action -> asMap(action.get("Parameters")).get("LambdaFunctionARN"))
            .collect(Collectors.toList());
        assertFalse(invoked.isEmpty(), "the set-callback flow invokes no function");
        Set<String> functionIds = template.findResources("AWS::Lambda::Function").keySet();
        Set<Object> invokedIds = new HashSet<>();
        for (Object arn : invoked) {
            assertInstanceOf(Map.class, arn, "not a reference to a function: " + arn);
            assertEquals(Set.of("Fn::GetAtt"), asMap(arn).keySet(), "not a reference to a function: " + arn);
            List<?> getAtt = (List<?>) asMap(arn).get("Fn::GetAtt");
            assertTrue(functionIds.contains(getAtt.get(0)), "not a function of the template: " + getAtt);
            assertEquals("Arn", getAtt.get(1));
            invokedIds.add(getAtt.get(0));
        }
        assertTrue(invokedIds.contains(logicalId(callbacks.getWriteCallbackFunction())));
    }

    @Test
    void everyFlowSpeaksTheSpanishPromptsInLupeNeural() {
        for (CfnContactFlow flow : List.of(callbacks.getSetCallbackFlow(), callbacks.getAgentWhisperFlow(), callbacks.getOutboundWhisperFlow(),
                callbacks.getTransferredCallerWhisperFlow(), callbacks.getCustomerQueueFlow())) {
            Map<String, Object> voice = actionsOf(flow).get("set-voice");
            assertEquals("UpdateContactTextToSpeechVoice", voice.get("Type"));
            assertEquals(Map.of("TextToSpeechVoice", "Lupe", "TextToSpeechEngine", "Neural"), voice.get("Parameters"));
        }
        Map<String, Map<String, Object>> setCallback = actionsOf(callbacks.getSetCallbackFlow());
        assertEquals(CallbackPromptSets.SPANISH_US.getChooseNumber().getValue(), parametersOf(setCallback, "choose-number").get("Text"));
        assertEquals("Gracias. Le devolveremos la llamada al $.External.phoneNational en cuanto un agente esté disponible. Ya puede colgar.",
            parametersOf(setCallback, "say-callback-booked").get("Text"));
        assertEquals("Llamada de regreso. Se está marcando al cliente al $.External.phoneNational",
            parametersOf(actionsOf(callbacks.getAgentWhisperFlow()), "tell-agent-callback").get("Text"));
    }

    @Test
    void theHandlersSpeakTimesInEsUs() {
        for (IFunction function : List.of(callbacks.getWriteCallbackFunction(), callbacks.getUpdateCallbackFunction(), callbacks.getCtrProcessorFunction())) {
            Map<String, Object> properties = asMap(asMap(resources.get(logicalId(function))).get("Properties"));
            assertEquals("es-US", asMap(asMap(properties.get("Environment")).get("Variables")).get("LOCALE"));
        }
    }

    @Test
    void callersInTheQueueAreOfferedACallbackEvery45SecondsWhenTheWaitIs3Minutes() {
        Map<String, Map<String, Object>> queue = actionsOf(callbacks.getCustomerQueueFlow());
        assertEquals("MessageParticipantIteratively", queue.get("hold").get("Type"));
        assertEquals(Map.of("Messages", List.of(Map.of("Text", CallbackPromptSets.SPANISH_US.getQueueHold().getValue())), "InterruptFrequencySeconds", "45"),
            parametersOf(queue, "hold"));
        assertEquals(Map.of("QueueChannel", "Voice"), parametersOf(queue, "get-queue-wait"));
        Object condition = asMap(((List<?>) asMap(queue.get("check-queue-wait").get("Transitions")).get("Conditions")).get(0)).get("Condition");
        assertEquals(Map.of("Operator", "NumberLessThan", "Operands", List.of("180")), condition);
        assertEquals("0", parametersOf(queue, "create-callback").get("MaximumConnectionAttempts"));
        assertEquals(Map.of("Fn::GetAtt", List.of(logicalId(callbacks.getWriteCallbackFunction()), "Arn")),
            parametersOf(queue, "book-callback").get("LambdaFunctionARN"));
        // The set-callback flow hands the callers it puts through to the queue to this flow.
        assertEquals(Map.of("CustomerQueue", stack.resolve(callbacks.getCustomerQueueFlowArn())),
            parametersOf(actionsOf(callbacks.getSetCallbackFlow()), "set-customer-queue-flow").get("EventHooks"));
    }

    @Test
    void theAdmissionPolicyRefusesAtCapacityAndOverTheDailyLimitInSpanish() {
        Map<String, Map<String, Object>> setCallback = actionsOf(callbacks.getSetCallbackFlow());
        for (String booking : List.of("book-caller-number", "book-entered-number")) {
            assertEquals("$.Metrics.Queue.Size", asMap(parametersOf(setCallback, booking).get("LambdaInvocationAttributes")).get("contactsInQueue"));
        }
        List<Object> results = ((List<?>) asMap(setCallback.get("check-caller-booking").get("Transitions")).get("Conditions")).stream()
            .map(condition -> ((List<?>) asMap(asMap(condition).get("Condition")).get("Operands")).get(0))
            .collect(Collectors.toList());
        assertEquals(List.of("CREATED", "EXISTS", "INVALID_NUMBER", "AT_CAPACITY", "LIMIT_REACHED", "CLOSING", "CLOSED", "CLOSED_DEFERRED"), results);
        assertEquals(CallbackPromptSets.SPANISH_US.getAtCapacity().getValue(), parametersOf(setCallback, "say-at-capacity").get("Text"));
        assertEquals(CallbackPromptSets.SPANISH_US.getLimitReached().getValue(), parametersOf(setCallback, "say-limit-reached").get("Text"));
        assertEquals(CallbackPromptSets.SPANISH_US.getQueueLimitReached().getValue(),
            parametersOf(actionsOf(callbacks.getCustomerQueueFlow()), "say-queue-limit-reached").get("Text"));
        Map<String, Object> variables = asMap(asMap(asMap(asMap(resources.get(logicalId(callbacks.getWriteCallbackFunction()))).get("Properties"))
            .get("Environment")).get("Variables"));
        assertEquals("50", variables.get("ADMISSION_MAX_QUEUED_CONTACTS"));
        assertEquals("3", variables.get("ADMISSION_MAX_CALLBACKS_PER_NUMBER_PER_DAY"));
        assertEquals("America/New_York", variables.get("TIME_ZONE"));
    }

    @Test
    void theClosingTimeRulesFromJavaDeferWithOneCallbackBlockPerDelay() {
        Map<String, Map<String, Object>> setCallback = actionsOf(callbacks.getSetCallbackFlow());
        assertEquals(CallbackPromptSets.SPANISH_US.getClosingSoon().getValue(), parametersOf(setCallback, "say-closing-soon").get("Text"));
        assertEquals(CallbackPromptSets.SPANISH_US.getClosed().getValue(), parametersOf(setCallback, "say-closed").get("Text"));
        for (String seconds : List.of("43200", "50400", "57600")) {
            Map<String, Object> block = parametersOf(setCallback, "create-callback-deferred-" + seconds);
            assertEquals(seconds, block.get("InitialCallDelaySeconds"));
            assertEquals("0", block.get("MaximumConnectionAttempts"));
        }
        Map<String, Object> resource = asMap(resources.get(logicalId(callbacks.getWriteCallbackFunction())));
        // The asset with the Connect client: only a construct with hours rules runs it.
        assertEquals("write-callback-hours", asMap(resource.get("Metadata")).get("cdk-connect-callback-management:handler"));
        Map<String, Object> variables = asMap(asMap(asMap(resource.get("Properties")).get("Environment")).get("Variables"));
        assertEquals(CallbackManagementApp.HOURS_ARN, variables.get("ADMISSION_HOURS_OF_OPERATION_ARN"));
        assertEquals("900", variables.get("ADMISSION_STOP_BEFORE_CLOSE_SECONDS"));
        assertEquals("DEFER", variables.get("ADMISSION_WHEN_CLOSED"));
        assertEquals("43200,50400,57600", variables.get("ADMISSION_DEFERRAL_DELAYS_SECONDS"));
    }

    @Test
    void deferralWithoutDelaysIsRefused() {
        RuntimeException error = assertThrows(RuntimeException.class,
            () -> constructWith(builder -> builder.admissionPolicy(AdmissionPolicy.builder()
                .hoursOfOperationArn(CallbackManagementApp.HOURS_ARN).whenClosed(WhenClosed.DEFER).build())));
        assertTrue(error.getMessage().contains("admissionPolicy.whenClosed DEFER needs admissionPolicy.deferralDelays"), error.getMessage());
    }

    @Test
    void anAdmissionRuleBelowOneIsRefused() {
        RuntimeException error = assertThrows(RuntimeException.class,
            () -> constructWith(builder -> builder.admissionPolicy(AdmissionPolicy.builder().maxCallbacksPerNumberPerDay(0).build())));
        assertTrue(error.getMessage().contains("admissionPolicy.maxCallbacksPerNumberPerDay must be a whole number of at least 1, got 0"), error.getMessage());
    }

    @Test
    void promptsMadeInJavaAreSaidAndChecked() {
        String audio = CallbackManagementApp.INSTANCE_ARN + "/prompt/77777777-8888-4999-8aaa-bbbbbbbbbbbb";
        CallbackManagement custom = constructWith(builder -> builder
            .prompts(CallbackPrompts.builder()
                .callbackBooked(Prompt.text("Booked for {callbackNumber}."))
                .queueHold(Prompt.audio(audio))
                .build())
            .inQueueCallbackOffer(InQueueCallbackOffer.builder().build()));
        Stack customStack = Stack.of(custom);
        Map<String, Object> customResources = asMap(Template.fromStack(customStack).toJSON().get("Resources"));
        assertEquals(Map.of("Text", "Booked for $.External.phoneNational ."),
            parametersOf(actionsOf(customStack, customResources, custom.getSetCallbackFlow()), "say-callback-booked"));
        assertEquals(List.of(Map.of("PromptId", audio)),
            parametersOf(actionsOf(customStack, customResources, custom.getCustomerQueueFlow()), "hold").get("Messages"));
        RuntimeException error = assertThrows(RuntimeException.class, () -> constructWith(builder -> builder
            .prompts(CallbackPrompts.builder().callbackBooked(Prompt.text("Booked for {number}.")).build())));
        assertTrue(error.getMessage().contains("prompts.callbackBooked uses the unknown placeholder {number}"), error.getMessage());
    }

    @Test
    void aMalformedInstanceArnIsRefusedAtSynth() {
        RuntimeException error = assertThrows(RuntimeException.class,
            () -> constructWith(builder -> builder.instanceArn("not-an-arn")));
        assertTrue(error.getMessage().contains("instanceArn must be an Amazon Connect instance ARN"), error.getMessage());
    }

    @Test
    void aCallbackTtlUnderAnHourIsRefused() {
        RuntimeException error = assertThrows(RuntimeException.class,
            () -> constructWith(builder -> builder.callbackTtl(Duration.minutes(30))));
        assertTrue(error.getMessage().contains("callbackTtl must be between 1 hour and 7 days"), error.getMessage());
    }

    @Test
    void theValidPropsOfThoseRefusalsAreAccepted() {
        // The refusals above are about the one bad value: the same call with good values builds.
        assertInstanceOf(CallbackManagement.class, constructWith(builder -> builder.callbackTtl(Duration.hours(1))));
    }

    @Test
    void theDefaultStackHasTheAlarmsAsAProperty() {
        List<IAlarm> alarms = callbacks.getAlarms();
        assertEquals(17, alarms.size());
        assertEquals(17, template.findResources("AWS::CloudWatch::Alarm").size());
        assertTrue(callbacks.getReconcilerFunction() != null);
    }

    @Test
    void alarmThresholdsAndTheCallbacksApiWorkFromJava() {
        CallbackManagement tuned = constructWith(builder -> builder
            .enableCallbacksApi(true)
            .alarmThresholds(CallbackAlarmThresholds.builder().stopContactFailures(3).reconcilerRepairsPerHour(20).build()));
        Stack tunedStack = Stack.of(tuned);
        Role canceller = Role.Builder.create(tunedStack, "Canceller").assumedBy(new AccountRootPrincipal()).build();
        assertTrue(tuned.grantCancel(canceller).getSuccess());
        Template tunedTemplate = Template.fromStack(tunedStack);
        Map<String, Double> thresholds = new HashMap<>();
        tunedTemplate.findResources("AWS::CloudWatch::Alarm").forEach((id, alarm) ->
            thresholds.put(id, ((Number) asMap(asMap(alarm).get("Properties")).get("Threshold")).doubleValue()));
        assertEquals(3.0, thresholds.entrySet().stream().filter(e -> e.getKey().startsWith("CallbacksAlarmsStopContactFailures")).findFirst().get().getValue());
        assertEquals(20.0, thresholds.entrySet().stream().filter(e -> e.getKey().startsWith("CallbacksAlarmsReconcilerRepairs")).findFirst().get().getValue());
        assertEquals(1, tunedTemplate.findResources("AWS::ApiGatewayV2::Api").size());
        assertTrue(tuned.getCallbacksApiUrl() != null);
    }

    /**
     * The parameters of a customer-first "Transfer to queue" block as an instance exports them. The two names other than
     * ContactFlowId are placeholders for whatever the export holds: no document or public export names them.
     */
    private static Map<String, String> exportedCustomerFirstParameters() {
        return Map.of(
            "DialModeAsExported", "CUSTOMER_FIRST",
            "OutboundCallbackFlowAsExported", CallbackManagement.OUTBOUND_CALLBACK_FLOW_ARN,
            "ContactFlowId", CallbackManagement.CALLBACK_CREATION_FLOW_ARN);
    }

    @Test
    void agentFirstIsTheDefaultMode() {
        assertEquals(CallbackMode.AGENT_FIRST, callbacks.getCallbackMode());
        assertNull(callbacks.getOutboundCallbackFlow());
        assertNull(callbacks.getCallbackCreationFlowArn());
    }

    @Test
    void customerFirstModeAddsItsFlowsAndMergesTheExportedParameters() {
        CallbackManagement customerFirst = constructWith(builder -> builder
            .callbackMode(CallbackMode.CUSTOMER_FIRST)
            .customerFirstCallbackParameters(exportedCustomerFirstParameters()));
        Stack other = Stack.of(customerFirst);
        Template synthesized = Template.fromStack(other);
        assertEquals(CallbackMode.CUSTOMER_FIRST, customerFirst.getCallbackMode());
        Map<String, Map<String, Object>> flows = synthesized.findResources("AWS::Connect::ContactFlow");
        assertEquals(7, flows.size());
        String outboundId = other.getLogicalId((CfnElement) customerFirst.getOutboundCallbackFlow());
        String creationId = other.getLogicalId((CfnElement) customerFirst.getCallbackCreationFlow());
        assertEquals("CONTACT_FLOW", asMap(flows.get(outboundId).get("Properties")).get("Type"));
        assertEquals("CONTACT_FLOW", asMap(flows.get(creationId).get("Properties")).get("Type"));
        Object content = asMap(flows.get(other.getLogicalId((CfnElement) customerFirst.getSetCallbackFlow())).get("Properties")).get("Content");
        Map<String, Object> parameters = asMap(actionsOf(content).stream()
            .filter(action -> "CreateCallbackContact".equals(action.get("Type")))
            .findFirst().orElseThrow().get("Parameters"));
        assertEquals("CUSTOMER_FIRST", parameters.get("DialModeAsExported"));
        assertEquals(Map.of("Fn::GetAtt", List.of(outboundId, "ContactFlowArn")), parameters.get("OutboundCallbackFlowAsExported"));
        assertEquals(Map.of("Fn::GetAtt", List.of(creationId, "ContactFlowArn")), parameters.get("ContactFlowId"));
        // Customer-first callbacks take no agent-first retry settings.
        assertFalse(parameters.containsKey("MaximumConnectionAttempts"));
    }

    @Test
    void customerFirstWithoutItsExportedParametersIsRefused() {
        RuntimeException error = assertThrows(RuntimeException.class,
            () -> constructWith(builder -> builder.callbackMode(CallbackMode.CUSTOMER_FIRST)));
        assertTrue(error.getMessage().contains("customerFirstCallbackParameters is required with callbackMode CUSTOMER_FIRST"), error.getMessage());
    }

    private static CallbackManagement constructWith(final Consumer<CallbackManagement.Builder> overrides) {
        Stack stack = new Stack(new App(), "BadProps");
        CallbackManagement.Builder builder = CallbackManagement.Builder.create(stack, "Callbacks")
            .instanceArn(CallbackManagementApp.INSTANCE_ARN)
            .queueArn(CallbackManagementApp.QUEUE_ARN)
            .stream(Stream.fromStreamArn(stack, "CtrStream", CallbackManagementApp.STREAM_ARN));
        overrides.accept(builder);
        return builder.build();
    }

    private String logicalId(final IConstruct construct) {
        // A function is an L2 construct around its CfnFunction; a flow property is the CfnContactFlow itself.
        IConstruct child = construct.getNode().getDefaultChild();
        return stack.getLogicalId((CfnElement) (child != null ? child : construct));
    }

    private List<Map<String, Object>> setCallbackFlowActions() {
        return new ArrayList<>(actionsOf(callbacks.getSetCallbackFlow()).values());
    }

    private Map<String, Map<String, Object>> actionsOf(final CfnContactFlow flow) {
        return actionsOf(stack, resources, flow);
    }

    private static Map<String, Object> parametersOf(final Map<String, Map<String, Object>> actions, final String id) {
        return asMap(actions.get(id).get("Parameters"));
    }

    /**
     * The actions of a flow's Content by id, each token replaced by the CloudFormation object it stands for.
     * With tokens in it, Content synthesizes to {"Fn::Join": ["", [text, {"Fn::GetAtt": ...}, text, ...]]}:
     * the JSON is rebuilt with a marker string in each token's place, parsed (with the Jackson that the jsii
     * runtime brings), and the markers swapped back.
     */
    private static Map<String, Map<String, Object>> actionsOf(final Stack stack, final Map<String, Object> resources, final CfnContactFlow flowResource) {
        Map<String, Object> flow = asMap(resources.get(stack.getLogicalId(flowResource)));
        return actionsByIdOf(asMap(flow.get("Properties")).get("Content"));
    }

    /** The actions of a synthesized Content in the order the flow lists them, tokens restored (see actionsOf). */
    private static List<Map<String, Object>> actionsOf(final Object content) {
        return new ArrayList<>(actionsByIdOf(content).values());
    }

    private static Map<String, Map<String, Object>> actionsByIdOf(final Object content) {
        Map<String, Object> tokens = new HashMap<>();
        String json;
        if (content instanceof String) {
            json = (String) content;
        } else {
            List<?> join = (List<?>) asMap(content).get("Fn::Join");
            List<String> text = new ArrayList<>();
            for (Object part : (List<?>) join.get(1)) {
                if (part instanceof String) {
                    text.add((String) part);
                } else {
                    String marker = "__cfn_token_" + tokens.size() + "__";
                    tokens.put(marker, part);
                    text.add(marker);
                }
            }
            json = String.join((String) join.get(0), text);
        }
        try {
            Map<String, Object> parsed = asMap(new ObjectMapper().readValue(json, Map.class));
            Map<String, Map<String, Object>> actions = new LinkedHashMap<>();
            for (Object action : (List<?>) parsed.get("Actions")) {
                Map<String, Object> restored = asMap(restoreTokens(action, tokens));
                actions.put((String) restored.get("Identifier"), restored);
            }
            return actions;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("a flow's Content is not JSON: " + e.getMessage(), e);
        }
    }

    private static Object restoreTokens(final Object value, final Map<String, Object> tokens) {
        if (value instanceof Map) {
            Map<String, Object> restored = new LinkedHashMap<>();
            asMap(value).forEach((key, item) -> restored.put(key, restoreTokens(item, tokens)));
            return restored;
        }
        if (value instanceof List) {
            return ((List<?>) value).stream().map(item -> restoreTokens(item, tokens)).collect(Collectors.toList());
        }
        return tokens.getOrDefault(value, value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(final Object value) {
        return (Map<String, Object>) value;
    }
}
