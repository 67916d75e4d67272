using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MediaMesh.Exchange.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RenditionUploadLease : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "UploadLeaseExpireTime",
                table: "renditions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UploadLeaseToken",
                table: "renditions",
                type: "text",
                nullable: true,
                collation: "C");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "UploadLeaseExpireTime",
                table: "renditions");

            migrationBuilder.DropColumn(
                name: "UploadLeaseToken",
                table: "renditions");
        }
    }
}
