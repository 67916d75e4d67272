using System.Diagnostics;
using Google.Protobuf;
using Google.Rpc;
using MediaMesh.Common.Errors;
using MediaMesh.ServiceDefaults.Grpc;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Organization.Tests.Domain;

/// <summary>The table that turns failures into the statuses callers see.</summary>
public sealed class ErrorMappingTests
{
    public static TheoryData<Exception, Code> Refusals => new()
    {
        { ValidationFailedException.For("organization.country_code", "bad"), Code.InvalidArgument },
        { new ResourceNotFoundException("Organization", "org_x"), Code.NotFound },
        { new AlreadyExistsException("exists"), Code.AlreadyExists },
        { new EtagMismatchException("Organization", "org_x"), Code.Aborted },
        { new DbUpdateConcurrencyException("row changed"), Code.Aborted },
        { new PreconditionFailedException("not active", "STATUS", "org_x"), Code.FailedPrecondition },
        { new PermissionDeniedException("no"), Code.PermissionDenied },
        { new UnauthenticatedException("who"), Code.Unauthenticated },
        { new DependencyUnavailableException("organization"), Code.Unavailable },
        { new LimitExceededException("too many"), Code.ResourceExhausted },
        { new DataIntegrityException("checksum"), Code.DataLoss },
        { new StorageFullException("the media store is full"), Code.ResourceExhausted },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Each_domain_refusal_maps_to_its_canonical_code(Exception exception, Code expected)
    {
        var status = ErrorMappingInterceptor.ToStatus(exception);
        Assert.Equal((int)expected, status.Code);
        Assert.DoesNotContain("Exception", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_argument_carries_every_field_violation()
    {
        var status = ErrorMappingInterceptor.ToStatus(new ValidationFailedException(
            [new FieldViolation("organization.country_code", "bad country"), new FieldViolation("organization.website", "bad url")]));

        var badRequest = Assert.Single(status.Details).Unpack<BadRequest>();
        Assert.Equal(["organization.country_code", "organization.website"], badRequest.FieldViolations.Select(v => v.Field));
        Assert.Equal("bad country", badRequest.FieldViolations[0].Description);
    }

    [Fact]
    public void Not_found_names_the_resource()
    {
        var status = ErrorMappingInterceptor.ToStatus(new ResourceNotFoundException("Organization", "org_x"));
        var info = Assert.Single(status.Details).Unpack<ResourceInfo>();
        Assert.Equal("Organization", info.ResourceType);
        Assert.Equal("org_x", info.ResourceName);
    }

    [Fact]
    public void Failed_precondition_carries_the_violation()
    {
        var status = ErrorMappingInterceptor.ToStatus(new PreconditionFailedException("At least one active coordinator must remain.", "LAST_COORDINATOR", "org_x"));
        var violation = Assert.Single(Assert.Single(status.Details).Unpack<PreconditionFailure>().Violations);
        Assert.Equal("LAST_COORDINATOR", violation.Type);
        Assert.Equal("org_x", violation.Subject);
    }

    [Fact]
    public void Unavailable_suggests_a_retry_delay()
    {
        var status = ErrorMappingInterceptor.ToStatus(new DependencyUnavailableException("organization"));
        Assert.True(Assert.Single(status.Details).Unpack<RetryInfo>().RetryDelay.ToTimeSpan() > TimeSpan.Zero);
    }

    [Fact]
    public void A_concurrency_failure_does_not_leak_the_database_message()
    {
        var status = ErrorMappingInterceptor.ToStatus(new DbUpdateConcurrencyException("UPDATE organizations SET ... affected 0 rows"));
        Assert.DoesNotContain("UPDATE", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unexpected_exception_is_internal_with_the_trace_id_and_no_exception_text()
    {
        using var activity = new Activity("test-call").Start();
        var status = ErrorMappingInterceptor.ToStatus(new InvalidOperationException("SQLite Error 19: secret connection string /var/data/org.db"));

        Assert.Equal((int)Code.Internal, status.Code);
        Assert.DoesNotContain("SQLite", status.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/var/data", status.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperation", status.Message, StringComparison.Ordinal);
        var traceId = activity.TraceId.ToString();
        Assert.Contains(traceId, status.Message, StringComparison.Ordinal);
        var info = Assert.Single(status.Details).Unpack<ErrorInfo>();
        Assert.Equal(traceId, info.Metadata["trace_id"]);
    }

    [Fact]
    public void A_cancellation_without_a_cancelled_call_is_not_reported_as_cancelled()
    {
        var status = ErrorMappingInterceptor.ToStatus(new OperationCanceledException("timeout inside"));
        Assert.Equal((int)Code.Internal, status.Code);
        Assert.DoesNotContain("timeout inside", status.Message, StringComparison.Ordinal);
    }

    public static TheoryData<Exception> FullVolumes => new()
    {
        new IOException("No space left on device : '/var/lib/mediamesh/media/renditions/rnd_1.media'", 28),
        new IOException("Disk quota exceeded : '/var/lib/mediamesh/media/renditions/rnd_1.media'", 122),
        new DbUpdateException("An error occurred while saving the entity changes.",
            new IOException("No space left on device : '/var/lib/mediamesh/org.db'", 28)),
        new Microsoft.Data.Sqlite.SqliteException("SQLite Error 13: 'database or disk is full' /var/lib/mediamesh/org.db", 13),
        new DbUpdateException("saving failed", new Npgsql.PostgresException(
            "could not extend file \"base/16384/16385\": No space left on device", "ERROR", "ERROR", Npgsql.PostgresErrorCodes.DiskFull)),
    };

    [Theory]
    [MemberData(nameof(FullVolumes))]
    public void A_full_volume_or_quota_is_resource_exhausted_without_the_path_or_the_os_text(Exception exception)
    {
        var status = ErrorMappingInterceptor.ToStatus(exception);

        Assert.Equal((int)Code.ResourceExhausted, status.Code);
        Assert.DoesNotContain("/var/lib", status.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("No space left", status.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("base/16384", status.Message, StringComparison.Ordinal);
        Assert.Contains("full", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_io_failure_stays_internal()
    {
        var status = ErrorMappingInterceptor.ToStatus(new IOException("Input/output error : '/var/lib/mediamesh/media/x.media'", 5));
        Assert.Equal((int)Code.Internal, status.Code);
    }

    public static TheoryData<Exception> HostileRefusals
    {
        get
        {
            var huge = new string('x', 100_000);
            var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 50_000));
            return new()
            {
                new ValidationFailedException([.. Enumerable.Range(0, 10_000).Select(i => new FieldViolation($"offer.tags[{i}]{huge[..200]}", emoji[..1000]))]),
                ValidationFailedException.For(huge, emoji),
                new ResourceNotFoundException("Organization", huge),
                new EtagMismatchException("Offer", emoji),
                new PreconditionFailedException(huge, "STATE", emoji),
                new AlreadyExistsException(huge),
                new PermissionDeniedException(emoji),
            };
        }
    }

    /// <summary>
    /// A status travels in trailers: over a caller's header limit it fails the whole HTTP/2 connection (every
    /// call on it), so whatever a hostile request held, the answer stays small.
    /// </summary>
    [Theory]
    [MemberData(nameof(HostileRefusals))]
    public void A_status_stays_small_whatever_the_request_held(Exception exception)
    {
        var status = ErrorMappingInterceptor.ToStatus(exception);

        // What the trailers carry: grpc-status-details-bin (base64 of the status) and grpc-message (percent-encoded).
        var trailerBytes = Convert.ToBase64String(status.ToByteArray()).Length + Uri.EscapeDataString(status.Message).Length;
        Assert.True(trailerBytes < 7 * 1024, $"{trailerBytes} bytes of trailers");
        Assert.True(status.Message.Length <= StatusSize.MaxMessageLength);
        if (status.Details.Count == 1 && status.Details[0].TryUnpack<BadRequest>(out var badRequest))
        {
            Assert.NotEmpty(badRequest.FieldViolations);
        }

        var strictUtf8 = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        Assert.True(strictUtf8.GetByteCount(status.Message) > 0, "no pair of surrogates is split");
    }

    [Fact]
    public void Many_field_violations_list_the_first_ten_and_count_them_all()
    {
        var status = ErrorMappingInterceptor.ToStatus(new ValidationFailedException(
            [.. Enumerable.Range(0, 10_000).Select(i => new FieldViolation($"participant_ids[{i}]", "must be an organisation id"))]));

        Assert.Equal((int)Code.InvalidArgument, status.Code);
        Assert.Equal("Invalid request: 10000 field violations; the first 10 are listed.", status.Message);
        var badRequest = Assert.Single(status.Details).Unpack<BadRequest>();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"participant_ids[{i}]"), badRequest.FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public void A_long_id_is_clipped_at_its_start_in_the_resource_info()
    {
        var id = "org_" + new string('a', 10_000);
        var info = Assert.Single(ErrorMappingInterceptor.ToStatus(new ResourceNotFoundException("Organization", id)).Details).Unpack<ResourceInfo>();

        Assert.Equal(StatusSize.MaxTextLength, info.ResourceName.Length);
        Assert.StartsWith("org_aaaa", info.ResourceName, StringComparison.Ordinal);
        Assert.EndsWith("…", info.ResourceName, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short", 10, "short")]
    [InlineData("abcdefghijkl", 10, "abcdefghi…")]
    [InlineData("abcdefgh\U0001F600xyz", 10, "abcdefgh…")]
    [InlineData("abcdefg\U0001F600xyz", 10, "abcdefg\U0001F600…")]
    public void Clipping_keeps_the_start_and_never_splits_a_surrogate_pair(string text, int max, string expected) =>
        Assert.Equal(expected, StatusSize.Clip(text, max));
}
