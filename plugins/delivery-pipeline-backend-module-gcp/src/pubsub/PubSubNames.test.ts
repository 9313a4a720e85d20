import { PubSubNames } from './PubSubNames';

const names = new PubSubNames({
  projectId: 'p',
  topicPrefix: 'events.',
  deadLetterTopic: 'events.dead-letter',
});

describe('PubSubNames', () => {
  it('keeps CloudEvents types readable', () => {
    expect(names.topic('com.example.order.placed')).toBe(
      'projects/p/topics/events.com.example.order.placed',
    );
    expect(names.subscription('com.example.order.placed')).toBe(
      'projects/p/subscriptions/events.com.example.order.placed.delivery',
    );
    expect(names.topicId('a-b_c~d+e')).toBe('events.a-b_c~d+e');
  });

  it('percent-encodes what Pub/Sub ids do not allow, and % itself', () => {
    expect(names.topicId('org/acme:order placed')).toBe(
      'events.org%2Facme%3Aorder%20placed',
    );
    expect(names.topicId('100%')).toBe('events.100%25');
    expect(names.topicId('café')).toBe('events.caf%C3%A9');
  });

  it('finds the event type of its own subscriptions only', () => {
    for (const eventType of ['com.example.x', 'a/b c%', 'café', 'x.delivery']) {
      expect(
        names.eventTypeOfSubscription(names.subscriptionId(eventType)),
      ).toBe(eventType);
    }
    expect(names.eventTypeOfSubscription('events.dead-letter.kept')).toBe(
      undefined,
    );
    expect(names.eventTypeOfSubscription('other.x.delivery')).toBe(undefined);
    // Not a name we make: `%41` would have been written `A`.
    expect(names.eventTypeOfSubscription('events.%41.delivery')).toBe(
      undefined,
    );
    expect(names.eventTypeOfSubscription('events.%ZZ.delivery')).toBe(
      undefined,
    );
  });

  it('names the dead letters', () => {
    expect(names.deadLetterTopic).toBe('projects/p/topics/events.dead-letter');
    expect(names.deadLetterSubscription).toBe(
      'projects/p/subscriptions/events.dead-letter.kept',
    );
    expect(() => names.topicId('dead-letter')).toThrow(/dead-letter topic/);
  });

  it('refuses ids Pub/Sub would refuse', () => {
    const bare = new PubSubNames({
      projectId: 'p',
      topicPrefix: '',
      deadLetterTopic: 'dead-letters',
    });
    expect(() => bare.topicId('1abc')).toThrow(/start with a letter/);
    expect(() => bare.topicId('google.thing')).toThrow(/goog/);
    expect(() => bare.topicId('ab')).toThrow(/3 to/);
    expect(() => names.topicId('x'.repeat(240))).toThrow(/3 to 246/);
    expect(() => names.topicId('')).toThrow();
    expect(
      () =>
        new PubSubNames({
          projectId: 'p',
          topicPrefix: 'events.',
          deadLetterTopic: 'goog-dl',
        }),
    ).toThrow(/goog/);
  });
});
