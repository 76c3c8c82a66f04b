namespace Serving.Core.Events.Outbox;

/// <summary>What <see cref="WebhookOutbox.Append"/> did with an event.</summary>
public enum OutboxAppend
{
    /// <summary>New, and on disk.</summary>
    Recorded,

    /// <summary>Its id was already in the outbox: nothing changed, nothing more is sent.</summary>
    Duplicate,

    /// <summary>New, but the journal could not be written: it is delivered while the gateway runs, and lost if it stops first.</summary>
    NotDurable,
}
