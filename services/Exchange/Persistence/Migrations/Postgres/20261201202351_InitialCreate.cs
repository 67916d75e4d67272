using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MediaMesh.Exchange.Persistence.Migrations.Postgres
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
                    Cursor = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OfferId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Type = table.Column<int>(type: "integer", nullable: false),
                    EventTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Note = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Snapshot = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_offer_events", x => x.Cursor);
                });

            migrationBuilder.CreateTable(
                name: "offers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false, collation: "C"),
                    OwnerId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    State = table.Column<int>(type: "integer", nullable: false),
                    ContentVersion = table.Column<long>(type: "bigint", nullable: false),
                    Content = table.Column<string>(type: "text", nullable: false),
                    Type = table.Column<int>(type: "integer", nullable: false),
                    FirstCreateTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EmbargoEndTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ExpireTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    WindowEnd = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Exclusive = table.Column<bool>(type: "boolean", nullable: false),
                    HasTerritoryAllowList = table.Column<bool>(type: "boolean", nullable: false),
                    SearchText = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    OwnerCountry = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    OwnerRegion = table.Column<int>(type: "integer", nullable: false),
                    OwnerUnionIds = table.Column<string>(type: "text", nullable: false),
                    CorrectionNote = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    WithdrawReason = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreateTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdateTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    VersionCreateTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    PublishTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_offers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "content_requests",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    OfferId = table.Column<string>(type: "character varying(40)", nullable: false, collation: "C"),
                    OfferVersion = table.Column<long>(type: "bigint", nullable: false),
                    RequesterId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    OwnerId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Uses = table.Column<string>(type: "text", nullable: false),
                    Territories = table.Column<string>(type: "text", nullable: false),
                    PeriodStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    PeriodEnd = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Message = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    State = table.Column<int>(type: "integer", nullable: false),
                    DecisionReason = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    AutoApproved = table.Column<bool>(type: "boolean", nullable: false),
                    LicenceId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreateTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DecisionTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RequesterRegion = table.Column<int>(type: "integer", nullable: false),
                    RequesterUnionIds = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
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
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    OfferId = table.Column<string>(type: "character varying(40)", nullable: false, collation: "C"),
                    RequestId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    LicenseeId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    LicensorId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Uses = table.Column<string>(type: "text", nullable: false),
                    Territories = table.Column<string>(type: "text", nullable: false),
                    PeriodStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    PeriodEnd = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    State = table.Column<int>(type: "integer", nullable: false),
                    GrantTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LicenseeRegion = table.Column<int>(type: "integer", nullable: false),
                    LicenseeUnionIds = table.Column<string>(type: "text", nullable: false),
                    LicensorRegion = table.Column<int>(type: "integer", nullable: false),
                    LicensorUnionIds = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
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
                    OfferId = table.Column<string>(type: "character varying(40)", nullable: false, collation: "C"),
                    Kind = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Value = table.Column<string>(type: "text", nullable: false, collation: "C")
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
                    OfferId = table.Column<string>(type: "character varying(40)", nullable: false, collation: "C"),
                    ContentVersion = table.Column<long>(type: "bigint", nullable: false),
                    Snapshot = table.Column<string>(type: "text", nullable: false),
                    CreateTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    OfferId = table.Column<string>(type: "character varying(40)", nullable: false, collation: "C"),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    FileName = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    MimeType = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                    Sha256 = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    State = table.Column<int>(type: "integer", nullable: false),
                    ReceivedBytes = table.Column<long>(type: "bigint", nullable: false),
                    VideoCodec = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    FrameRate = table.Column<double>(type: "double precision", nullable: false),
                    Bitrate = table.Column<long>(type: "bigint", nullable: false),
                    Width = table.Column<int>(type: "integer", nullable: false),
                    Height = table.Column<int>(type: "integer", nullable: false),
                    Language = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreateTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CompleteTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
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
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    LicenceId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    OfferId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    LicenseeId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    LicensorId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Use = table.Column<int>(type: "integer", nullable: false),
                    CountryCode = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UseTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Channel = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    AudienceEstimate = table.Column<long>(type: "bigint", nullable: false),
                    ReportTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LicenseeRegion = table.Column<int>(type: "integer", nullable: false),
                    LicenseeUnionIds = table.Column<string>(type: "text", nullable: false),
                    LicensorRegion = table.Column<int>(type: "integer", nullable: false),
                    LicensorUnionIds = table.Column<string>(type: "text", nullable: false)
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
                name: "IX_offers_Listed_FirstCreateTime",
                table: "offers",
                column: "FirstCreateTime",
                filter: "\"State\" IN (2, 3)");

            migrationBuilder.CreateIndex(
                name: "IX_offers_Listed_OwnerRegion_UpdateTime_Id",
                table: "offers",
                columns: new[] { "OwnerRegion", "UpdateTime", "Id" },
                filter: "\"State\" IN (2, 3)");

            migrationBuilder.CreateIndex(
                name: "IX_offers_Listed_Type_UpdateTime_Id",
                table: "offers",
                columns: new[] { "Type", "UpdateTime", "Id" },
                filter: "\"State\" IN (2, 3)");

            migrationBuilder.CreateIndex(
                name: "IX_offers_Listed_UpdateTime_Id",
                table: "offers",
                columns: new[] { "UpdateTime", "Id" },
                filter: "\"State\" IN (2, 3)");

            migrationBuilder.CreateIndex(
                name: "IX_offers_OwnerId_CreateTime_Id",
                table: "offers",
                columns: new[] { "OwnerId", "CreateTime", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_offers_UpdateTime_Id",
                table: "offers",
                columns: new[] { "UpdateTime", "Id" });

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
