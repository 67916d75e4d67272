using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MediaMesh.Exchange.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "offer_events",
                columns: table => new
                {
                    Cursor = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OfferId = table.Column<string>(type: "TEXT", nullable: false),
                    Type = table.Column<int>(type: "INTEGER", nullable: false),
                    EventTime = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Note = table.Column<string>(type: "TEXT", nullable: false),
                    Snapshot = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_offer_events", x => x.Cursor);
                });

            migrationBuilder.CreateTable(
                name: "offers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    ContentVersion = table.Column<long>(type: "INTEGER", nullable: false),
                    Content = table.Column<string>(type: "TEXT", nullable: false),
                    Type = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstCreateTime = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EmbargoEndTime = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ExpireTime = table.Column<DateTime>(type: "TEXT", nullable: true),
                    WindowEnd = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Exclusive = table.Column<bool>(type: "INTEGER", nullable: false),
                    HasTerritoryAllowList = table.Column<bool>(type: "INTEGER", nullable: false),
                    SearchText = table.Column<string>(type: "TEXT", nullable: false),
                    OwnerCountry = table.Column<string>(type: "TEXT", nullable: false),
                    OwnerRegion = table.Column<int>(type: "INTEGER", nullable: false),
                    OwnerUnionIds = table.Column<string>(type: "TEXT", nullable: false),
                    CorrectionNote = table.Column<string>(type: "TEXT", nullable: false),
                    WithdrawReason = table.Column<string>(type: "TEXT", nullable: false),
                    CreateTime = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdateTime = table.Column<DateTime>(type: "TEXT", nullable: false),
                    VersionCreateTime = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PublishTime = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_offers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "content_requests",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    OfferId = table.Column<string>(type: "TEXT", nullable: false),
                    OfferVersion = table.Column<long>(type: "INTEGER", nullable: false),
                    RequesterId = table.Column<string>(type: "TEXT", nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", nullable: false),
                    Uses = table.Column<string>(type: "TEXT", nullable: false),
                    Territories = table.Column<string>(type: "TEXT", nullable: false),
                    PeriodStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PeriodEnd = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Message = table.Column<string>(type: "TEXT", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    DecisionReason = table.Column<string>(type: "TEXT", nullable: false),
                    AutoApproved = table.Column<bool>(type: "INTEGER", nullable: false),
                    LicenceId = table.Column<string>(type: "TEXT", nullable: false),
                    CreateTime = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DecisionTime = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RequesterRegion = table.Column<int>(type: "INTEGER", nullable: false),
                    RequesterUnionIds = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_content_requests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_content_requests_offers_OfferId",
                        column: x => x.OfferId,
                        principalTable: "offers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "licences",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    OfferId = table.Column<string>(type: "TEXT", nullable: false),
                    RequestId = table.Column<string>(type: "TEXT", nullable: false),
                    LicenseeId = table.Column<string>(type: "TEXT", nullable: false),
                    LicensorId = table.Column<string>(type: "TEXT", nullable: false),
                    Uses = table.Column<string>(type: "TEXT", nullable: false),
                    Territories = table.Column<string>(type: "TEXT", nullable: false),
                    PeriodStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PeriodEnd = table.Column<DateTime>(type: "TEXT", nullable: true),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    GrantTime = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LicenseeRegion = table.Column<int>(type: "INTEGER", nullable: false),
                    LicenseeUnionIds = table.Column<string>(type: "TEXT", nullable: false),
                    LicensorRegion = table.Column<int>(type: "INTEGER", nullable: false),
                    LicensorUnionIds = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_licences", x => x.Id);
                    table.ForeignKey(
                        name: "FK_licences_offers_OfferId",
                        column: x => x.OfferId,
                        principalTable: "offers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "offer_tags",
                columns: table => new
                {
                    OfferId = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_offer_tags", x => new { x.Kind, x.Value, x.OfferId });
                    table.ForeignKey(
                        name: "FK_offer_tags_offers_OfferId",
                        column: x => x.OfferId,
                        principalTable: "offers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "offer_versions",
                columns: table => new
                {
                    OfferId = table.Column<string>(type: "TEXT", nullable: false),
                    ContentVersion = table.Column<long>(type: "INTEGER", nullable: false),
                    Snapshot = table.Column<string>(type: "TEXT", nullable: false),
                    CreateTime = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_offer_versions", x => new { x.OfferId, x.ContentVersion });
                    table.ForeignKey(
                        name: "FK_offer_versions_offers_OfferId",
                        column: x => x.OfferId,
                        principalTable: "offers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "renditions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    OfferId = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", nullable: false),
                    MimeType = table.Column<string>(type: "TEXT", nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    ReceivedBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    VideoCodec = table.Column<string>(type: "TEXT", nullable: false),
                    FrameRate = table.Column<double>(type: "REAL", nullable: false),
                    Bitrate = table.Column<long>(type: "INTEGER", nullable: false),
                    Width = table.Column<int>(type: "INTEGER", nullable: false),
                    Height = table.Column<int>(type: "INTEGER", nullable: false),
                    Language = table.Column<string>(type: "TEXT", nullable: false),
                    CreateTime = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CompleteTime = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_renditions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_renditions_offers_OfferId",
                        column: x => x.OfferId,
                        principalTable: "offers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "usage_reports",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    LicenceId = table.Column<string>(type: "TEXT", nullable: false),
                    OfferId = table.Column<string>(type: "TEXT", nullable: false),
                    LicenseeId = table.Column<string>(type: "TEXT", nullable: false),
                    LicensorId = table.Column<string>(type: "TEXT", nullable: false),
                    Use = table.Column<int>(type: "INTEGER", nullable: false),
                    CountryCode = table.Column<string>(type: "TEXT", nullable: false),
                    UseTime = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", nullable: false),
                    AudienceEstimate = table.Column<long>(type: "INTEGER", nullable: false),
                    ReportTime = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LicenseeRegion = table.Column<int>(type: "INTEGER", nullable: false),
                    LicenseeUnionIds = table.Column<string>(type: "TEXT", nullable: false),
                    LicensorRegion = table.Column<int>(type: "INTEGER", nullable: false),
                    LicensorUnionIds = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_reports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_usage_reports_licences_LicenceId",
                        column: x => x.LicenceId,
                        principalTable: "licences",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_content_requests_CreateTime",
                table: "content_requests",
                column: "CreateTime");

            migrationBuilder.CreateIndex(
                name: "IX_content_requests_OfferId_State",
                table: "content_requests",
                columns: new[] { "OfferId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_content_requests_OwnerId_Id",
                table: "content_requests",
                columns: new[] { "OwnerId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_content_requests_RequesterId_Id",
                table: "content_requests",
                columns: new[] { "RequesterId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_licences_GrantTime",
                table: "licences",
                column: "GrantTime");

            migrationBuilder.CreateIndex(
                name: "IX_licences_LicenseeId_Id",
                table: "licences",
                columns: new[] { "LicenseeId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_licences_LicensorId_Id",
                table: "licences",
                columns: new[] { "LicensorId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_licences_OfferId_State",
                table: "licences",
                columns: new[] { "OfferId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_offer_events_OfferId",
                table: "offer_events",
                column: "OfferId");

            migrationBuilder.CreateIndex(
                name: "IX_offer_tags_OfferId",
                table: "offer_tags",
                column: "OfferId");

            migrationBuilder.CreateIndex(
                name: "IX_offers_OwnerId_CreateTime_Id",
                table: "offers",
                columns: new[] { "OwnerId", "CreateTime", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_offers_OwnerRegion_State_UpdateTime",
                table: "offers",
                columns: new[] { "OwnerRegion", "State", "UpdateTime" });

            migrationBuilder.CreateIndex(
                name: "IX_offers_State_FirstCreateTime",
                table: "offers",
                columns: new[] { "State", "FirstCreateTime" });

            migrationBuilder.CreateIndex(
                name: "IX_offers_State_UpdateTime_Id",
                table: "offers",
                columns: new[] { "State", "UpdateTime", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_offers_Type_State_UpdateTime",
                table: "offers",
                columns: new[] { "Type", "State", "UpdateTime" });

            migrationBuilder.CreateIndex(
                name: "IX_renditions_OfferId_CreateTime",
                table: "renditions",
                columns: new[] { "OfferId", "CreateTime" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_reports_LicenceId_Id",
                table: "usage_reports",
                columns: new[] { "LicenceId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_reports_OfferId_Id",
                table: "usage_reports",
                columns: new[] { "OfferId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_reports_UseTime",
                table: "usage_reports",
                column: "UseTime");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "content_requests");

            migrationBuilder.DropTable(
                name: "offer_events");

            migrationBuilder.DropTable(
                name: "offer_tags");

            migrationBuilder.DropTable(
                name: "offer_versions");

            migrationBuilder.DropTable(
                name: "renditions");

            migrationBuilder.DropTable(
                name: "usage_reports");

            migrationBuilder.DropTable(
                name: "licences");

            migrationBuilder.DropTable(
                name: "offers");
        }
    }
}
