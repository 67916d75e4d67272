namespace MediaMesh.MediaStore;

/// <summary>
/// Object keys are one or more segments of [A-Za-z0-9_-] separated by '/', e.g. "renditions/01JX…".
/// That alphabet has no '.', '\\' or ':' so a key can never climb out of the store's root or name a
/// device; keys are built by the service, so an invalid one is a bug and throws <see cref="ArgumentException"/>.
/// </summary>
public static class MediaObjectKey
{
    public const int MaxLength = 512;
    public const int MaxSegmentLength = 128;

    public static bool IsValid(string? objectKey)
    {
        if (string.IsNullOrEmpty(objectKey) || objectKey.Length > MaxLength)
        {
            return false;
        }

        var segmentLength = 0;
        foreach (var c in objectKey)
        {
            if (c == '/')
            {
                if (segmentLength == 0)
                {
                    return false;
                }

                segmentLength = 0;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            {
                if (++segmentLength > MaxSegmentLength)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        return segmentLength > 0;
    }

    /// <exception cref="ArgumentException">The key is not valid.</exception>
    public static void EnsureValid(string objectKey, string? paramName = "objectKey")
    {
        if (!IsValid(objectKey))
        {
            throw new ArgumentException(
                $"Media object keys are segments of [A-Za-z0-9_-] (at most {MaxSegmentLength} characters each, {MaxLength} in all) separated by '/'.",
                paramName);
        }
    }
}
