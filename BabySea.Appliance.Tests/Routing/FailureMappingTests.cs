using BabySea.Appliance.Api;
using BabySea.Appliance.Providers;
using BabySea.Appliance.Routing;

namespace BabySea.Appliance.Tests.Routing;

/// <summary>Errors are a closed set: every failure kind maps to a code, every code has a catalog row and a wire form that reads back.</summary>
public sealed class FailureMappingTests
{
    [Fact]
    public void EveryFailureKind_MapsToAProviderFacingCode_WithACatalogRow()
    {
        foreach (var kind in Enum.GetValues<FailureKind>())
        {
            var code = FailureMapping.Code(kind);
            Assert.InRange((int)code, 2000, 4999);
            Assert.NotNull(BseCatalog.For(code));
        }
    }

    [Fact]
    public void EveryBseCode_HasARow_AndItsWireFormParsesBack()
    {
        foreach (var code in Enum.GetValues<BseCode>())
        {
            var row = BseCatalog.For(code);
            Assert.InRange(row.Status, 400, 599);
            Assert.True(BseCatalog.TryParse(BseCatalog.Format(code), out var back));
            Assert.Equal(code, back);
        }
        Assert.False(BseCatalog.TryParse("BSE9999", out _));
    }

    [Fact]
    public void AnExhaustedChain_IsRetryableOnlyWhenSomeProviderFailedRetryably()
    {
        Assert.True(BseCatalog.Retryable(BseCode.AllProvidersFailed, [false, true]));
        Assert.False(BseCatalog.Retryable(BseCode.AllProvidersFailed, [false, false]));
        Assert.False(BseCatalog.Retryable(BseCode.ProviderContentRejected, [true]));
        Assert.True(BseCatalog.Retryable(BseCode.ProviderTimeout, []));
    }
}
